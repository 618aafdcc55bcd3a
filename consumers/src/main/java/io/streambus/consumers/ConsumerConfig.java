package io.streambus.consumers;

import io.streambus.ConsumerOptions;
import io.streambus.OptionException;
import io.streambus.Ordering;
import io.streambus.RetryOptions;
import io.streambus.StartPosition;
import io.streambus.Topics;
import io.streambus.app.ConfigException;
import io.streambus.app.Settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer verticle runs: one subscription per topic, all in one group, with one handler and one set of
 * {@link ConsumerOptions}.
 *
 * @param topics {@value #TOPICS}, required
 * @param group {@value #GROUP}, default {@value #DEFAULT_GROUP}
 * @param handler {@value #HANDLER}, the {@link io.streambus.consumers.spi.HandlerFactory} name, default {@code log}
 * @param options built from the other settings, validated
 */
public record ConsumerConfig(List<String> topics, String group, String handler, ConsumerOptions options) {
  public static final String TOPICS = "BUS_TOPICS";
  public static final String GROUP = "BUS_GROUP";
  public static final String HANDLER = "BUS_HANDLER";
  public static final String CONSUMER_NAME = "BUS_CONSUMER_NAME";
  public static final String MAX_IN_FLIGHT = "BUS_MAX_IN_FLIGHT";
  public static final String MAX_DELIVERIES = "BUS_MAX_DELIVERIES";
  public static final String BACKOFF_INITIAL_MS = "BUS_BACKOFF_INITIAL_MS";
  public static final String BACKOFF_MAX_MS = "BUS_BACKOFF_MAX_MS";
  public static final String BACKOFF_MULTIPLIER = "BUS_BACKOFF_MULTIPLIER";
  public static final String CLAIM_MIN_IDLE_MS = "BUS_CLAIM_MIN_IDLE_MS";
  public static final String RECLAIM_INTERVAL_MS = "BUS_RECLAIM_INTERVAL_MS";
  public static final String RATE_LIMIT = "BUS_RATE_LIMIT";
  public static final String HANDLER_TIMEOUT_MS = "BUS_HANDLER_TIMEOUT_MS";
  public static final String DRAIN_TIMEOUT_MS = "BUS_DRAIN_TIMEOUT_MS";
  public static final String START_POSITION = "BUS_START_POSITION";
  public static final String BLOCK_MS = "BUS_BLOCK_MS";
  public static final String ORDERING = "BUS_ORDERING";
  public static final String DEFAULT_GROUP = "workers";
  public static final String DEFAULT_HANDLER = "log";

  public static final Set<String> NAMES = Set.of(TOPICS, GROUP, HANDLER, CONSUMER_NAME, MAX_IN_FLIGHT,
      MAX_DELIVERIES, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, BACKOFF_MULTIPLIER, CLAIM_MIN_IDLE_MS, RECLAIM_INTERVAL_MS,
      RATE_LIMIT, HANDLER_TIMEOUT_MS, DRAIN_TIMEOUT_MS, START_POSITION, BLOCK_MS, ORDERING);

  /** ConsumerOptions field names (as its validation messages start) → setting. */
  private static final Map<String, String> FIELD_TO_SETTING = fieldToSetting();

  /** @throws ConfigException naming the first bad setting */
  public static ConsumerConfig from(Settings s) {
    List<String> topics = s.list(TOPICS, List.of());
    if (topics.isEmpty()) {
      throw new ConfigException(TOPICS, TOPICS + " is required: the topics to consume, comma-separated");
    }
    topics.forEach(t -> requireName(TOPICS, t));
    String group = requireName(GROUP, s.string(GROUP, DEFAULT_GROUP));
    return new ConsumerConfig(topics, group, s.string(HANDLER, DEFAULT_HANDLER), options(s));
  }

  private static ConsumerOptions options(Settings s) {
    ConsumerOptions o = new ConsumerOptions()
        .setConsumerName(s.string(CONSUMER_NAME, null))
        .setMaxInFlight(s.integer(MAX_IN_FLIGHT, ConsumerOptions.DEFAULT_MAX_IN_FLIGHT, ConsumerOptions.MAX_IN_FLIGHT))
        .setMaxDeliveries(s.integer(MAX_DELIVERIES, ConsumerOptions.DEFAULT_MAX_DELIVERIES,
            ConsumerOptions.MAX_DELIVERIES))
        .setClaimMinIdleMs(s.longValue(CLAIM_MIN_IDLE_MS, ConsumerOptions.DEFAULT_CLAIM_MIN_IDLE_MS,
            ConsumerOptions.CLAIM_MIN_IDLE_MS))
        .setReclaimIntervalMs(s.longValue(RECLAIM_INTERVAL_MS, ConsumerOptions.DEFAULT_RECLAIM_INTERVAL_MS,
            ConsumerOptions.RECLAIM_INTERVAL_MS))
        .setMaxRatePerSecond(s.decimal(RATE_LIMIT, 0, ConsumerOptions.MAX_RATE_PER_SECOND))
        .setHandlerTimeoutMs(s.longValue(HANDLER_TIMEOUT_MS, ConsumerOptions.DEFAULT_HANDLER_TIMEOUT_MS,
            ConsumerOptions.HANDLER_TIMEOUT_MS))
        .setCloseTimeoutMs(s.longValue(DRAIN_TIMEOUT_MS, ConsumerOptions.DEFAULT_CLOSE_TIMEOUT_MS,
            ConsumerOptions.CLOSE_TIMEOUT_MS))
        .setBlockMs(s.longValue(BLOCK_MS, ConsumerOptions.DEFAULT_BLOCK_MS, ConsumerOptions.BLOCK_MS))
        .setStartPosition(startPosition(s))
        .setOrdering(s.choice(ORDERING, Ordering.class, Ordering.NONE))
        .setRetry(new RetryOptions()
            .setInitialBackoffMs(s.longValue(BACKOFF_INITIAL_MS, RetryOptions.DEFAULT_INITIAL_BACKOFF_MS,
                RetryOptions.INITIAL_BACKOFF_MS))
            .setMaxBackoffMs(s.longValue(BACKOFF_MAX_MS, RetryOptions.DEFAULT_MAX_BACKOFF_MS,
                RetryOptions.MAX_BACKOFF_MS))
            .setMultiplier(s.decimal(BACKOFF_MULTIPLIER, RetryOptions.DEFAULT_MULTIPLIER, RetryOptions.MULTIPLIER)));
    try {
      return o.validate();
    } catch (OptionException e) {
      throw ConfigException.ofOption(e, FIELD_TO_SETTING);
    }
  }

  private static StartPosition startPosition(Settings s) {
    String raw = s.string(START_POSITION, "new");
    try {
      return StartPosition.parse(raw);
    } catch (RuntimeException e) {
      throw new ConfigException(START_POSITION, START_POSITION
          + " must be new, beginning, an entry id or an ISO-8601 time, was '" + raw + "'");
    }
  }

  private static String requireName(String setting, String name) {
    if (!Topics.isValidName(name)) {
      throw new ConfigException(setting, setting + ": names are 1-200 of [A-Za-z0-9._-], was '" + name + "'");
    }
    return name;
  }

  private static Map<String, String> fieldToSetting() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("consumerName", CONSUMER_NAME);
    map.put("retry.initialBackoffMs", BACKOFF_INITIAL_MS);
    map.put("retry.maxBackoffMs", BACKOFF_MAX_MS);
    map.put("retry.multiplier", BACKOFF_MULTIPLIER);
    map.put("maxInFlight", MAX_IN_FLIGHT);
    map.put("maxDeliveries", MAX_DELIVERIES);
    map.put("claimMinIdleMs", CLAIM_MIN_IDLE_MS);
    map.put("reclaimIntervalMs", RECLAIM_INTERVAL_MS);
    map.put("handlerTimeoutMs", HANDLER_TIMEOUT_MS);
    map.put("closeTimeoutMs", DRAIN_TIMEOUT_MS);
    map.put("maxRatePerSecond", RATE_LIMIT);
    map.put("blockMs", BLOCK_MS);
    return Map.copyOf(map);
  }
}
