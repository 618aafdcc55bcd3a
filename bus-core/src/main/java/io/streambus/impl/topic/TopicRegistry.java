package io.streambus.impl.topic;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.Keys;
import io.streambus.BusException;
import io.streambus.BusOptions;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Records each topic's partition count in the hash {@code <prefix>:topics}: the first user of a topic fixes it, and a
 * later user configured differently gets an error naming both counts instead of silently splitting the topic.
 */
public final class TopicRegistry {
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final Map<String, Future<Integer>> known = new ConcurrentHashMap<>();
  private final BiConsumer<String, Integer> onKnown;

  /**
   * @param onKnown told each topic this process publishes to or consumes, with its partition count, once known
   */
  public TopicRegistry(RedisChannel channel, Keys keys, BusOptions options, BiConsumer<String, Integer> onKnown) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.onKnown = onKnown;
  }

  /** Registers the topic once per process; the future gives its partition count. */
  public Future<Integer> ensure(String topic) {
    Future<Integer> f = known.get(topic);
    if (f != null && !f.failed()) {
      return f;
    }
    int configured = options.partitionsOf(topic);
    long deadline = System.currentTimeMillis() + options.getPublishTimeoutMs();
    Future<Integer> fresh = channel.send(Request.cmd(Command.HSETNX).arg(keys.registry()).arg(topic).arg(configured),
            deadline)
        .compose(r -> channel.send(Request.cmd(Command.HGET).arg(keys.registry()).arg(topic), deadline))
        .compose(r -> {
          int recorded = r == null ? configured : Integer.parseInt(r.toString());
          if (recorded != configured) {
            return Future.failedFuture(new BusException("topic '" + topic + "' has " + recorded
                + " partitions in Redis (" + keys.registry() + ") but this bus is configured with " + configured));
          }
          return Future.succeededFuture(recorded);
        });
    known.put(topic, fresh);
    fresh.onSuccess(partitions -> onKnown.accept(topic, partitions));
    return fresh;
  }

  /** The recorded count, or the configured one for an unknown topic. */
  public Future<Integer> recorded(String topic) {
    return channel.send(Request.cmd(Command.HGET).arg(keys.registry()).arg(topic),
            System.currentTimeMillis() + options.getPublishTimeoutMs())
        .map(r -> r == null ? options.partitionsOf(topic) : Integer.parseInt(r.toString()));
  }
}
