package io.streambus.impl.admin;

import io.streambus.BusOptions;
import io.streambus.Topics;
import io.streambus.admin.BusAdmin;
import io.streambus.admin.StreamEntry;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads a partition's entries without a group (XRANGE, XREVRANGE), for browsing and following a stream. */
final class StreamPages {
  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,19}-\\d{1,20}");

  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;

  StreamPages(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
  }

  Future<List<StreamEntry>> read(String topic, int partition, String after, int limit) {
    if (limit < 1 || limit > BusAdmin.MAX_READ) {
      return Future.failedFuture(new IllegalArgumentException("limit must be 1.." + BusAdmin.MAX_READ + ", was "
          + limit));
    }
    String from = after == null || after.equals("0-0") ? "-" : "(" + after;
    if (after != null && !ENTRY_ID.matcher(after).matches()) {
      return Future.failedFuture(new IllegalArgumentException("after must be an entry id <millis>-<seq>, was '"
          + after + "'"));
    }
    return range(topic, partition, from, "+", limit);
  }

  Future<List<StreamEntry>> readBackward(String topic, int partition, String before, int limit) {
    if (limit < 1 || limit > BusAdmin.MAX_READ) {
      return Future.failedFuture(new IllegalArgumentException("limit must be 1.." + BusAdmin.MAX_READ + ", was "
          + limit));
    }
    if (before != null && !ENTRY_ID.matcher(before).matches()) {
      return Future.failedFuture(new IllegalArgumentException("before must be an entry id <millis>-<seq>, was '"
          + before + "'"));
    }
    if ("0-0".equals(before)) {
      return checked(topic, partition).map(v -> List.of());
    }
    String to = before == null ? "+" : "(" + before;
    return checked(topic, partition).compose(v -> {
      Request r = Request.cmd(Command.XREVRANGE).arg(keys.stream(topic, partition)).arg(to).arg("-").arg("COUNT")
          .arg(limit);
      return channel.send(r, System.currentTimeMillis() + options.getPublishTimeoutMs());
    }).map(reply -> entries(topic, partition, reply));
  }

  Future<StreamEntry> entry(String topic, int partition, String id) {
    if (id == null || !ENTRY_ID.matcher(id).matches()) {
      return Future.failedFuture(new IllegalArgumentException("id must be an entry id <millis>-<seq>, was '"
          + id + "'"));
    }
    return range(topic, partition, id, id, 1).map(entries -> entries.isEmpty() ? null : entries.get(0));
  }

  private Future<List<StreamEntry>> range(String topic, int partition, String from, String to, int limit) {
    return checked(topic, partition).compose(v -> {
      Request r = Request.cmd(Command.XRANGE).arg(keys.stream(topic, partition)).arg(from).arg(to).arg("COUNT")
          .arg(limit);
      return channel.send(r, System.currentTimeMillis() + options.getPublishTimeoutMs());
    }).map(reply -> entries(topic, partition, reply));
  }

  private static List<StreamEntry> entries(String topic, int partition, io.vertx.redis.client.Response reply) {
    List<StreamEntry> out = new ArrayList<>();
    for (Replies.Entry e : Replies.range(reply)) {
      out.add(new StreamEntry(topic, partition, e.id(), e.fields()));
    }
    return out;
  }

  /** Checks what {@link #entry} checks, for callers that read about one entry otherwise. */
  Future<Void> checkedEntry(String topic, int partition, String id) {
    if (id == null || !ENTRY_ID.matcher(id).matches()) {
      return Future.failedFuture(new IllegalArgumentException("id must be an entry id <millis>-<seq>, was '"
          + id + "'"));
    }
    return checked(topic, partition);
  }

  private Future<Void> checked(String topic, int partition) {
    try {
      Topics.requireValidName("topic", topic);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return topics.recorded(topic).compose(partitions -> partition >= 0 && partition < partitions
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalArgumentException("partition must be 0.." + (partitions - 1) + " (topic '"
            + topic + "' has " + partitions + "), was " + partition)));
  }
}
