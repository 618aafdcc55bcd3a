package io.streambus.impl.admin;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.topic.LagReader;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.CountersScript;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.streambus.admin.BusAdmin;
import io.streambus.BusOptions;
import io.streambus.admin.ConsumerStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;
import io.streambus.admin.GroupReset;
import io.streambus.admin.ResetPosition;
import io.streambus.admin.StreamEntry;
import io.streambus.Topics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads XINFO / XPENDING / XLEN / ZCARD per partition into the public stats records; where the server lacks
 * entries-added / entries-read / lag (Redis 6.2), counters.lua derives them.
 */
public final class DefaultBusAdmin implements BusAdmin {
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;
  private final LagReader lagReader;
  private final StreamPages pages;
  private final GroupPositions positions;
  private final EntryDeliveries deliveries;

  public DefaultBusAdmin(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
    this.lagReader = new LagReader(channel, options.getPublishTimeoutMs());
    this.pages = new StreamPages(channel, keys, options, topics);
    this.positions = new GroupPositions(channel, keys, options, topics);
    this.deliveries = new EntryDeliveries(channel, keys, options);
  }

  private long deadline() {
    return System.currentTimeMillis() + options.getPublishTimeoutMs();
  }

  private Future<Response> send(Request r) {
    return channel.send(r, deadline());
  }

  /** For XINFO / XGROUP, which the client cannot route in a cluster by itself. */
  private Future<Response> send(Request r, String key) {
    return channel.send(r, key, deadline());
  }

  @Override
  public Future<List<String>> topics() {
    return send(Request.cmd(Command.HKEYS).arg(keys.registry())).map(r -> {
      List<String> names = new ArrayList<>();
      if (r != null) {
        r.forEach(n -> names.add(n.toString()));
      }
      names.sort(null);
      return names;
    });
  }

  @Override
  public Future<Integer> partitions(String topic) {
    return validated(topic).compose(t -> topics.recorded(t));
  }

  private static Future<String> validated(String topic) {
    try {
      return Future.succeededFuture(Topics.requireValidName("topic", topic));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<TopicStats>> snapshot() {
    return topics().compose(names -> {
      List<Future<TopicStats>> all = new ArrayList<>();
      names.forEach(n -> all.add(topic(n)));
      return Future.all(all).map(cf -> {
        List<TopicStats> out = new ArrayList<>();
        all.forEach(f -> out.add(f.result()));
        return out;
      });
    });
  }

  @Override
  public Future<TopicStats> topic(String topic) {
    return partitions(topic).compose(partitions -> {
      long now = System.currentTimeMillis();
      List<Future<PartitionStats>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        parts.add(partition(topic, p, now));
      }
      return Future.all(parts).map(cf -> {
        List<PartitionStats> out = new ArrayList<>();
        parts.forEach(f -> out.add(f.result()));
        return new TopicStats(topic, now, out);
      });
    });
  }

  /**
   * counters.lua's answer where XINFO has no entries-added / entries-read (Redis 6.2): the length and what trimming
   * ever removed, read together, and each group's lag counted in the same step.
   */
  private record Counters(long length, long trimmed, Map<String, Long> lags) {
    static Counters of(CountersScript.Reply reply) {
      return new Counters(reply.length(), reply.trimmed(), reply.lags());
    }

    long added() {
      return length + trimmed;
    }

    /** entries-read as Redis 7 would report it; -1 for a group the script did not see or whose lag hit the cap. */
    long read(String group) {
      Long lag = lags.get(group);
      return lag == null || lag >= LagReader.COUNT_CAP ? -1 : added() - lag;
    }
  }

  private Future<PartitionStats> partition(String topic, int p, long now) {
    String stream = keys.stream(topic, p);
    Future<Map<String, Response>> info = send(Request.cmd(Command.XINFO).arg("STREAM").arg(stream), stream)
        .map(Replies::map)
        .recover(e -> e.getMessage() != null && e.getMessage().contains("no such key")
            ? Future.succeededFuture(Map.of()) : Future.failedFuture(e));
    Future<Long> dlq = send(Request.cmd(Command.XLEN).arg(keys.deadLetters(topic, p))).map(Response::toLong);
    Future<Long> delayed = send(Request.cmd(Command.ZCARD).arg(keys.delayed(topic, p))).map(Response::toLong);
    Future<Long> idempotencyKeys = send(Request.cmd(Command.ZCARD).arg(keys.idempotencyExpiry(topic, p)))
        .map(Response::toLong);
    // Redis 7 counts what was ever added to and read from a stream. Without those counters, differences of lengths
    // are no rates: every trim shrinks the stream, and the dashboard's rates read 0 across each trim.
    Future<Counters> counters = info.compose(i -> i.isEmpty() || i.containsKey("entries-added")
        ? Future.succeededFuture(null)
        : new CountersScript(stream, keys.trimmed(topic, p), LagReader.COUNT_CAP).run(channel, deadline())
            .map(Counters::of));
    Future<List<GroupStats>> groups = counters.compose(c -> info.result().isEmpty()
        ? Future.succeededFuture(List.of()) : groups(topic, p, stream, now, c));
    return Future.all(info, dlq, delayed, groups, idempotencyKeys).map(cf -> {
      Map<String, Response> i = info.result();
      Counters c = counters.result();
      long length = c != null ? c.length() : Replies.longOf(i, "length", 0);
      long added = c != null ? c.added() : Replies.longOf(i, "entries-added", length);
      String firstId = Replies.entryId(i.get("first-entry"));
      long retries = groups.result().stream().mapToLong(GroupStats::scheduledRetries).sum();
      return new PartitionStats(p, stream, length, added, firstId, Replies.stringOf(i, "last-generated-id"),
          dlq.result(), delayed.result() + retries, groups.result(), idempotencyKeys.result());
    });
  }

  private Future<List<GroupStats>> groups(String topic, int p, String stream, long now, Counters counters) {
    return send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream), stream).compose(reply -> {
      List<Future<GroupStats>> all = new ArrayList<>();
      for (Map<String, Response> g : Replies.maps(reply)) {
        all.add(group(topic, p, stream, g, now, counters));
      }
      return Future.all(all).map(cf -> {
        List<GroupStats> out = new ArrayList<>();
        all.forEach(f -> out.add(f.result()));
        return out;
      });
    });
  }

  private Future<GroupStats> group(String topic, int p, String stream, Map<String, Response> g, long now,
                                   Counters counters) {
    String name = Replies.stringOf(g, "name");
    String lastDelivered = Replies.stringOf(g, "last-delivered-id");
    long pending = Replies.longOf(g, "pending", 0);
    long entriesRead = counters != null ? counters.read(name) : Replies.longOf(g, "entries-read", -1);
    Long countedLag = counters == null ? null : counters.lags().get(name);
    // where Redis has no lag figure, counters.lua counted it in the same step as the counters above (so that rates
    // derived from both agree); a group created after that step is counted by the LagReader, as the gauges are
    Future<Long> lag = Replies.longOf(g, "lag", -1) < 0 && countedLag != null ? Future.succeededFuture(countedLag)
        : lagReader.lag(stream, g);
    Future<Long> undeliveredAge = send(Request.cmd(Command.XRANGE).arg(stream).arg("(" + lastDelivered).arg("+")
        .arg("COUNT").arg(1)).map(r -> age(Replies.range(r).stream().findFirst().map(Replies.Entry::id)
        .orElse(null), now));
    Future<Long> pendingAge = pending == 0 ? Future.succeededFuture(0L)
        : send(Request.cmd(Command.XPENDING).arg(stream).arg(name))
            .map(r -> age(Replies.smallestPending(r), now));
    Future<Long> retries = send(Request.cmd(Command.ZCARD).arg(keys.retries(topic, p, name))).map(Response::toLong);
    Future<List<ConsumerStats>> consumers = send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(name),
        stream).map(r -> {
          List<ConsumerStats> out = new ArrayList<>();
          for (Map<String, Response> c : Replies.maps(r)) {
            out.add(new ConsumerStats(Replies.stringOf(c, "name"), Replies.longOf(c, "pending", 0),
                Replies.longOf(c, "idle", 0)));
          }
          return out;
        });
    Future<Map<Integer, String>> owner = send(Request.cmd(Command.GET).arg(keys.owner(topic, p, name)))
        .map(r -> r == null ? Map.of() : Map.of(p, ownerName(r.toString())));
    Future<Boolean> paused = send(Request.cmd(Command.EXISTS).arg(keys.paused(topic, p, name)))
        .map(r -> r.toInteger() == 1);
    return Future.all(List.of(lag, undeliveredAge, pendingAge, retries, consumers, owner, paused)).map(cf ->
        new GroupStats(name, lag.result(), pending, lastDelivered, entriesRead, undeliveredAge.result(),
            pendingAge.result(), retries.result(), consumers.result(), owner.result(), paused.result()));
  }

  /** The consumer name in an owner key's value ({@code consumer|token}: the token is not for display). */
  private static String ownerName(String value) {
    int bar = value.lastIndexOf('|');
    return bar < 0 ? value : value.substring(0, bar);
  }

  private static long age(String id, long now) {
    long t = Replies.idTime(id);
    return t < 0 ? 0 : Math.max(0, now - t);
  }

  @Override
  public Future<Void> deleteGroup(String topic, String group) {
    try {
      Topics.requireValidName("group", group);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return partitions(topic).compose(partitions -> {
      List<Future<?>> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        String stream = keys.stream(topic, p);
        all.add(send(Request.cmd(Command.XGROUP).arg("DESTROY").arg(stream).arg(group), stream)
            .recover(e -> e.getMessage() != null && e.getMessage().contains("no such key")
                ? Future.succeededFuture() : Future.failedFuture(e)));
        all.add(send(Request.cmd(Command.DEL).arg(keys.retries(topic, p, group))
            .arg(keys.members(topic, p, group)).arg(keys.moved(topic, p, group)).arg(keys.owner(topic, p, group))
            .arg(keys.paused(topic, p, group))));
      }
      return Future.all(all).mapEmpty();
    });
  }

  @Override
  public Future<Void> pauseGroup(String topic, String group) {
    return eachPartition(topic, group, p -> Request.cmd(Command.SET).arg(keys.paused(topic, p, group)).arg("1"));
  }

  @Override
  public Future<Void> resumeGroup(String topic, String group) {
    return eachPartition(topic, group, p -> Request.cmd(Command.DEL).arg(keys.paused(topic, p, group)));
  }

  /** Sends one command per partition of the topic, each about the group's key on that partition. */
  private Future<Void> eachPartition(String topic, String group, java.util.function.IntFunction<Request> command) {
    try {
      Topics.requireValidName("topic", topic);
      Topics.requireValidName("group", group);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return partitions(topic).compose(partitions -> {
      List<Future<?>> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(send(command.apply(p)));
      }
      return Future.all(all).mapEmpty();
    });
  }

  @Override
  public Future<Map<Integer, String>> owners(String topic, String group) {
    try {
      Topics.requireValidName("group", group);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return partitions(topic).compose(partitions -> {
      List<Future<Response>> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(send(Request.cmd(Command.GET).arg(keys.owner(topic, p, group))));
      }
      return Future.all(all).map(cf -> {
        Map<Integer, String> owners = new java.util.TreeMap<>();
        for (int p = 0; p < partitions; p++) {
          Response r = all.get(p).result();
          owners.put(p, r == null ? null : ownerName(r.toString()));
        }
        return owners;
      });
    });
  }

  @Override
  public Future<List<Map<String, String>>> modelHash(String topic, String name) {
    if (name == null || name.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("name must not be empty"));
    }
    return partitions(topic).compose(partitions -> {
      List<Future<Response>> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(send(Request.cmd(Command.HGETALL).arg(Topics.modelKey(keys.prefix(), topic, p, name))));
      }
      return Future.all(all).map(cf -> {
        List<Map<String, String>> model = new ArrayList<>(partitions);
        for (Future<Response> f : all) {
          // RESP2 (the bus's protocol): a flat array of names and values
          model.add(Replies.strings(f.result()));
        }
        return model;
      });
    });
  }

  @Override
  public Future<List<StreamEntry>> read(String topic, int partition, String after, int limit) {
    return pages.read(topic, partition, after, limit);
  }

  @Override
  public Future<List<StreamEntry>> readBackward(String topic, int partition, String before, int limit) {
    return pages.readBackward(topic, partition, before, limit);
  }

  @Override
  public Future<List<io.streambus.admin.EntryDelivery>> deliveries(String topic, int partition, String id) {
    return pages.checkedEntry(topic, partition, id).compose(v -> deliveries.of(topic, partition, id));
  }

  @Override
  public Future<StreamEntry> entry(String topic, int partition, String id) {
    return pages.entry(topic, partition, id);
  }

  @Override
  public Future<GroupReset> previewReset(String topic, String group, ResetPosition to) {
    return positions.preview(topic, group, to);
  }

  @Override
  public Future<GroupReset> resetGroup(String topic, String group, ResetPosition to, boolean force) {
    return positions.reset(topic, group, to, force);
  }
}
