package io.streambus.dashboard;

import io.streambus.testsupport.RedisServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Redis directly (RESP2 over a raw socket), to hold the dashboard's figures against. */
final class RedisReplies {
  private final RedisServer redis;

  RedisReplies(RedisServer redis) {
    this.redis = redis;
  }

  /** A flat RESP2 reply [k1, v1, k2, v2, ...] as a map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object reply) {
    List<Object> list = (List<Object>) reply;
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      out.put(String.valueOf(list.get(i)), list.get(i + 1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object reply) {
    return reply == null ? List.of() : (List<Object>) reply;
  }

  Map<String, Object> streamInfo(String stream) {
    return map(redis.commandRaw("XINFO", "STREAM", stream));
  }

  List<Map<String, Object>> groups(String stream) {
    List<Map<String, Object>> out = new ArrayList<>();
    list(redis.commandRaw("XINFO", "GROUPS", stream)).forEach(g -> out.add(map(g)));
    return out;
  }

  List<Map<String, Object>> consumers(String stream, String group) {
    List<Map<String, Object>> out = new ArrayList<>();
    list(redis.commandRaw("XINFO", "CONSUMERS", stream, group)).forEach(c -> out.add(map(c)));
    return out;
  }

  /** XPENDING summary: [count, smallest id, greatest id, [[consumer, count], ...]]. */
  List<Object> pendingSummary(String stream, String group) {
    return list(redis.commandRaw("XPENDING", stream, group));
  }

  long xlen(String key) {
    return (Long) redis.commandRaw("XLEN", key);
  }

  /** The id of the first entry after {@code id}, or null. */
  String firstAfter(String stream, String id) {
    List<Object> range = list(redis.commandRaw("XRANGE", stream, "(" + id, "+", "COUNT", "1"));
    return range.isEmpty() ? null : String.valueOf(list(range.get(0)).get(0));
  }

  long countAfter(String stream, String id) {
    return list(redis.commandRaw("XRANGE", stream, "(" + id, "+")).size();
  }

  /** Commands Redis has processed, INFO itself left out (it is how this is measured). */
  long commandsProcessed() {
    long total = 0;
    for (String line : redis.command("INFO", "commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        total += Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return total;
  }

  static long idTime(String id) {
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }

  static long asLong(Object o) {
    return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
  }
}
