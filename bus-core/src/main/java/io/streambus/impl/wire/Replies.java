package io.streambus.impl.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed views of stream replies. The bus asks for RESP2 on its connections, so replies have one shape whatever the
 * server: XINFO answers flat name/value arrays and XREADGROUP nested arrays (RESP3 would make both maps, and Lua
 * replies are RESP2 anyway). Parsing here tolerates nils where a deleted entry leaves a hole.
 */
public final class Replies {
  private Replies() {
  }

  /** One stream entry: id and fields. */
  public record Entry(String id, Map<String, Buffer> fields, int deliveries) {
  }

  /** Entries of an XREADGROUP reply for one stream ({@code [[stream, [[id, fields], ...]]]}, or nil). */
  public static List<Entry> readGroup(Response reply) {
    List<Entry> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (Response stream : reply) {
      Response entries = stream == null || stream.size() < 2 ? null : stream.get(1);
      if (entries == null) {
        continue;
      }
      for (Response e : entries) {
        if (e != null && e.size() >= 1 && e.get(0) != null) {
          out.add(new Entry(e.get(0).toString(), EntryCodec.fields(e.size() > 1 ? e.get(1) : null), 1));
        }
      }
    }
    return out;
  }

  /** Entries of an XRANGE reply. */
  public static List<Entry> range(Response reply) {
    List<Entry> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (Response e : reply) {
      if (e != null && e.size() >= 2) {
        out.add(new Entry(e.get(0).toString(), EntryCodec.fields(e.get(1)), 0));
      }
    }
    return out;
  }

  /**
   * A claim's reply (claim.lua, adopt.lua): with {@link Outcome#DONE}, the entries claimed and how many pending ids
   * were found trimmed (acknowledged then); {@link Outcome#NOT_OURS} (adopt: the partition is not ours) claimed none.
   */
  public record Claimed(Outcome outcome, int trimmed, List<Entry> entries) {
  }

  /** A flat name/value array (XINFO) as a map. */
  public static Map<String, Response> map(Response flat) {
    Map<String, Response> m = new LinkedHashMap<>();
    if (flat == null) {
      return m;
    }
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      m.put(flat.get(i).toString(), flat.get(i + 1));
    }
    return m;
  }

  /** Each element of an array of flat name/value arrays (XINFO GROUPS / CONSUMERS). */
  public static List<Map<String, Response>> maps(Response array) {
    List<Map<String, Response>> out = new ArrayList<>();
    if (array != null) {
      for (Response r : array) {
        out.add(map(r));
      }
    }
    return out;
  }

  public static long longOf(Map<String, Response> m, String name, long otherwise) {
    Response r = m.get(name);
    if (r == null) {
      return otherwise;
    }
    try {
      return r.toLong();
    } catch (RuntimeException e) {
      return otherwise;
    }
  }

  /** A flat name/value array (HGETALL) as a map of texts. */
  public static Map<String, String> strings(Response flat) {
    Map<String, String> m = new LinkedHashMap<>();
    map(flat).forEach((k, v) -> m.put(k, v == null ? null : v.toString()));
    return m;
  }

  /** The id of an entry {@code [id, fields]} (XINFO STREAM's first-entry), or null. */
  public static String entryId(Response entry) {
    return entry == null || entry.size() == 0 || entry.get(0) == null ? null : entry.get(0).toString();
  }

  /** The smallest pending id of an XPENDING summary ({@code [count, smallest, greatest, consumers]}), or null. */
  public static String smallestPending(Response summary) {
    return summary == null || summary.size() < 2 || summary.get(1) == null ? null : summary.get(1).toString();
  }

  public static String stringOf(Map<String, Response> m, String name) {
    Response r = m.get(name);
    return r == null ? null : r.toString();
  }

  /** Milliseconds part of an entry id, or -1. */
  public static long idTime(String id) {
    if (id == null) {
      return -1;
    }
    int dash = id.indexOf('-');
    try {
      return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
