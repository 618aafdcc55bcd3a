package io.streambus.producers;

import io.streambus.Topics;
import io.streambus.app.ConfigException;
import io.streambus.app.Settings;

import java.util.List;
import java.util.Set;

/**
 * Settings of the load generator; it runs when {@value #TOPICS} names at least one topic.
 *
 * @param topics topics to publish to, in turn ({@value #TOPICS}, comma-separated; empty = no load generator)
 * @param ratePerSecond messages per second over all topics; 0 = as fast as {@code maxInFlight} allows
 *     ({@value #RATE}, default 100)
 * @param count stop after this many messages; 0 = no limit ({@value #COUNT})
 * @param durationMs stop after this long; 0 = no limit ({@value #DURATION_MS})
 * @param payloadBytes approximate size of each JSON payload ({@value #PAYLOAD_BYTES}, default 256)
 * @param keys distinct partition keys, used in turn; 0 = no key, partitions round robin ({@value #KEYS}, default 100)
 * @param poisonRatio fraction of messages marked {@code "poison": true}, which the {@code simulate} handler always
 *     fails, so they end as dead letters ({@value #POISON_RATIO}, default 0)
 * @param maxInFlight publishes awaiting Redis at once ({@value #MAX_IN_FLIGHT}, default 1000)
 * @param progressMs period of the progress log line ({@value #PROGRESS_MS}, default 5000)
 */
public record LoadGeneratorConfig(List<String> topics, double ratePerSecond, long count, long durationMs,
                                  int payloadBytes, int keys, double poisonRatio, int maxInFlight, long progressMs) {
  public static final String TOPICS = "BUS_LOADGEN_TOPICS";
  public static final String RATE = "BUS_LOADGEN_RATE";
  public static final String COUNT = "BUS_LOADGEN_COUNT";
  public static final String DURATION_MS = "BUS_LOADGEN_DURATION_MS";
  public static final String PAYLOAD_BYTES = "BUS_LOADGEN_PAYLOAD_BYTES";
  public static final String KEYS = "BUS_LOADGEN_KEYS";
  public static final String POISON_RATIO = "BUS_LOADGEN_POISON_RATIO";
  public static final String MAX_IN_FLIGHT = "BUS_LOADGEN_MAX_IN_FLIGHT";
  public static final String PROGRESS_MS = "BUS_LOADGEN_PROGRESS_MS";
  public static final Set<String> NAMES = Set.of(TOPICS, RATE, COUNT, DURATION_MS, PAYLOAD_BYTES, KEYS,
      POISON_RATIO, MAX_IN_FLIGHT, PROGRESS_MS);

  /** @throws ConfigException naming a bad setting */
  public static LoadGeneratorConfig from(Settings s) {
    List<String> topics = s.list(TOPICS, List.of());
    for (String topic : topics) {
      if (!Topics.isValidName(topic)) {
        throw new ConfigException(TOPICS, TOPICS + ": topic names are 1-200 of [A-Za-z0-9._-], was '" + topic + "'");
      }
    }
    return new LoadGeneratorConfig(topics,
        s.decimal(RATE, 100, 0, 10_000_000),
        s.longValue(COUNT, 0, 0, Long.MAX_VALUE),
        s.longValue(DURATION_MS, 0, 0, Long.MAX_VALUE),
        s.integer(PAYLOAD_BYTES, 256, 0, 64 * 1_048_576),
        s.integer(KEYS, 100, 0, 100_000_000),
        s.decimal(POISON_RATIO, 0, 0, 1),
        s.integer(MAX_IN_FLIGHT, 1_000, 1, 1_000_000),
        s.longValue(PROGRESS_MS, 5_000, 100, 3_600_000));
  }

  public boolean enabled() {
    return !topics.isEmpty();
  }
}
