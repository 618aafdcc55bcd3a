package io.streambus.impl.topic;

import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.TrimScript;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trims each topic this process publishes to or consumes, once per trim interval, whatever the number of its
 * subscriptions, by the topic's own trimming or the bus-wide policy (trim.lua never removes what a group still needs;
 * with a MAXLEN cap it counts what the cap drops; with a retention it also keeps what is younger than it).
 * Several processes trimming the same stream is harmless: the script is atomic and idempotent.
 */
public final class TopicTrimmer {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTrimmer.class);

  private final Vertx vertx;
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final Meters meters;
  /** Topic to partition count. */
  private final Map<String, Integer> topics = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean failing;

  public TopicTrimmer(Vertx vertx, RedisChannel channel, Keys keys, BusOptions options, Meters meters) {
    this.vertx = vertx;
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.meters = meters;
  }

  /** From now on trims {@code topic} too. */
  public void track(String topic, int partitions) {
    topics.put(topic, partitions);
  }

  public synchronized void start() {
    boolean anyTrimmed = options.getTrimPolicy() != BusOptions.TrimPolicy.NONE
        || options.getTopicTrims().values().stream().anyMatch(t -> t.policy() != BusOptions.TrimPolicy.NONE);
    if (anyTrimmed && timer < 0) {
      timer = vertx.setPeriodic(options.getTrimIntervalMs(), t -> trimAll());
    }
  }

  public synchronized void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void trimAll() {
    topics.forEach((topic, partitions) -> {
      BusOptions.TopicTrim trim = options.trimOf(topic);
      if (trim.policy() == BusOptions.TrimPolicy.NONE) {
        return;
      }
      for (int p = 0; p < partitions; p++) {
        trim(topic, p, trim);
      }
    });
  }

  private void trim(String topic, int partition, BusOptions.TopicTrim trim) {
    String stream = keys.stream(topic, partition);
    TrimScript.Mode mode;
    long limit;
    switch (trim.policy()) {
      case MAXLEN -> {
        mode = TrimScript.Mode.MAXLEN;
        limit = trim.maxLen();
      }
      case RETENTION -> {
        mode = TrimScript.Mode.RETENTION;
        limit = trim.retentionMs();
      }
      default -> {
        mode = TrimScript.Mode.ACKED;
        limit = 0;
      }
    }
    new TrimScript(stream, keys.trimmed(topic, partition), mode, limit)
        .run(channel, System.currentTimeMillis() + options.getPublishTimeoutMs()).onComplete(ar -> {
          if (ar.failed()) {
            // one warning per outage, not one per stream and interval
            if (!failing) {
              failing = true;
              LOG.warn("trimming {} failed (retried every {} ms): {}", stream, options.getTrimIntervalMs(),
                  ar.cause().toString());
            }
            return;
          }
          failing = false;
          long safe = ar.result().safe();
          long dropped = ar.result().dropped();
          if (safe > 0) {
            meters.counter(BusMeters.TRIMMED, topic).increment(safe);
          }
          if (dropped > 0) {
            meters.counter(BusMeters.TRIMMED_UNACKED, topic).increment(dropped);
          }
        });
  }
}
