package io.streambus.impl.admin;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.streambus.impl.wire.Scripts;
import io.streambus.BusOptions;
import io.streambus.DeadLetter;
import io.streambus.DeadLetterPage;
import io.streambus.DeadLetters;
import io.streambus.MessageId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead letters of one topic. References are {@code <partition>/<dead-letter id>}; pages are ordered by (id,
 * partition) over all partitions, and the cursor is the last reference returned.
 */
public final class DefaultDeadLetters implements DeadLetters {
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;
  private final String topic;

  public DefaultDeadLetters(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics, String topic) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
    this.topic = topic;
  }

  private long deadline() {
    return System.currentTimeMillis() + options.getPublishTimeoutMs();
  }

  @Override
  public Future<Long> count() {
    return topics.recorded(topic).compose(partitions -> {
      List<Future<Long>> lens = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        lens.add(channel.send(Request.cmd(Command.XLEN).arg(keys.deadLetters(topic, p)), deadline())
            .map(r -> r.toLong()));
      }
      return Future.all(lens).map(cf -> lens.stream().mapToLong(Future::result).sum());
    });
  }

  /** A parsed reference; throws IllegalArgumentException naming the problem. */
  private record Ref(int partition, String id) {
    static Ref parse(String ref) {
      if (ref == null || !ref.matches("\\d{1,4}/\\d{1,20}-\\d{1,20}")) {
        throw new IllegalArgumentException("not a dead-letter reference (<partition>/<id>): '" + ref + "'");
      }
      int slash = ref.indexOf('/');
      return new Ref(Integer.parseInt(ref.substring(0, slash)), ref.substring(slash + 1));
    }
  }

  private Future<Ref> ref(String text) {
    try {
      Ref ref = Ref.parse(text);
      return topics.recorded(topic).compose(partitions -> ref.partition() < partitions
          ? Future.succeededFuture(ref)
          : Future.failedFuture(new IllegalArgumentException("topic '" + topic + "' has no partition "
              + ref.partition())));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<DeadLetterPage> list(String cursor, int limit) {
    if (limit < 1 || limit > 1000) {
      return Future.failedFuture(new IllegalArgumentException("limit must be in 1..1000, was " + limit));
    }
    Ref after;
    try {
      after = cursor == null ? null : Ref.parse(cursor);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("bad cursor: " + e.getMessage()));
    }
    return topics.recorded(topic).compose(partitions -> {
      List<Future<List<DeadLetter>>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        String start = after == null ? "-" : (p > after.partition() ? after.id() : "(" + after.id());
        Request range = Request.cmd(Command.XRANGE).arg(keys.deadLetters(topic, p)).arg(start).arg("+")
            .arg("COUNT").arg(limit + 1);
        parts.add(channel.send(range, deadline()).map(r -> {
          List<DeadLetter> out = new ArrayList<>();
          Replies.range(r).forEach(e -> out.add(toDeadLetter(partition, e.id(), e.fields())));
          return out;
        }));
      }
      return Future.all(parts).map(cf -> {
        List<DeadLetter> all = new ArrayList<>();
        parts.forEach(f -> all.addAll(f.result()));
        all.sort(Comparator.<DeadLetter>comparingLong(d -> Replies.idTime(d.id()))
            .thenComparingLong(d -> seq(d.id())).thenComparingInt(DeadLetter::partition));
        boolean more = all.size() > limit;
        List<DeadLetter> page = new ArrayList<>(all.subList(0, Math.min(limit, all.size())));
        String next = more ? page.get(page.size() - 1).ref() : null;
        return new DeadLetterPage(page, next);
      });
    });
  }

  private static long seq(String id) {
    int dash = id.indexOf('-');
    return dash < 0 ? 0 : Long.parseUnsignedLong(id.substring(dash + 1));
  }

  @Override
  public Future<DeadLetter> get(String refText) {
    return ref(refText).compose(ref -> channel.send(Request.cmd(Command.XRANGE)
            .arg(keys.deadLetters(topic, ref.partition())).arg(ref.id()).arg(ref.id()), deadline())
        .map(r -> {
          List<Replies.Entry> entries = Replies.range(r);
          return entries.isEmpty() ? null : toDeadLetter(ref.partition(), ref.id(), entries.get(0).fields());
        }));
  }

  @Override
  public Future<MessageId> replay(String refText) {
    return ref(refText).compose(ref -> Scripts.REPLAY.run(channel, deadline(),
            List.of(keys.deadLetters(topic, ref.partition()), keys.stream(topic, ref.partition())), ref.id())
        .map(r -> r == null ? null : MessageId.of(topic, ref.partition(), r.toString())));
  }

  @Override
  public Future<Boolean> delete(String refText) {
    return ref(refText).compose(ref -> channel.send(Request.cmd(Command.XDEL)
        .arg(keys.deadLetters(topic, ref.partition())).arg(ref.id()), deadline()).map(r -> r.toLong() > 0));
  }

  @Override
  public Future<Long> purge() {
    return topics.recorded(topic).compose(partitions -> {
      List<Future<Long>> removed = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        // XTRIM to 0 answers exactly how many it removed, unlike XLEN followed by DEL
        removed.add(channel.send(Request.cmd(Command.XTRIM).arg(keys.deadLetters(topic, p)).arg("MAXLEN").arg(0),
            deadline()).map(r -> r.toLong()));
      }
      return Future.all(removed).map(cf -> removed.stream().mapToLong(Future::result).sum());
    });
  }

  private DeadLetter toDeadLetter(int partition, String id, Map<String, Buffer> all) {
    Map<String, Buffer> original = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith("dl:")) {
        meta.put(k.substring(3), v.toString());
      } else {
        original.put(k, v);
      }
    });
    return new DeadLetter(partition + "/" + id, partition, id, meta.get("stream"), meta.get("id"),
        meta.get("group"), meta.get("consumer"), parseInt(meta.get("deliveries")), meta.get("error-class"),
        meta.get("error"), parseLong(meta.get("time")), original);
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
