package io.streambus.producers;

import io.streambus.app.Settings;

import java.util.Set;

/**
 * Settings of the HTTP ingest API.
 *
 * @param enabled whether the ingest routes are served ({@value #ENABLED}, default true; the ops routes always are)
 * @param maxBodyBytes largest request body; larger ones get 413 ({@value #MAX_BODY_BYTES}, default 1 MiB)
 * @param maxBatchSize most messages in one batch request ({@value #MAX_BATCH_SIZE}, default 1000)
 * @param retryAfterSeconds the {@code Retry-After} of a 503 ({@value #RETRY_AFTER_SECONDS}, default 1)
 * @param drainMs how long a stopping server waits for requests in progress ({@value #DRAIN_MS}, default 10000)
 */
public record IngestConfig(boolean enabled, int maxBodyBytes, int maxBatchSize, int retryAfterSeconds,
                           long drainMs) {
  public static final String ENABLED = "BUS_INGEST_ENABLED";
  public static final String MAX_BODY_BYTES = "BUS_MAX_BODY_BYTES";
  public static final String MAX_BATCH_SIZE = "BUS_MAX_BATCH_SIZE";
  public static final String RETRY_AFTER_SECONDS = "BUS_RETRY_AFTER_SECONDS";
  public static final String DRAIN_MS = "BUS_DRAIN_TIMEOUT_MS";
  public static final Set<String> NAMES = Set.of(ENABLED, MAX_BODY_BYTES, MAX_BATCH_SIZE, RETRY_AFTER_SECONDS,
      DRAIN_MS);

  /** @throws io.streambus.app.ConfigException naming a bad setting */
  public static IngestConfig from(Settings s) {
    return new IngestConfig(
        s.bool(ENABLED, true),
        s.integer(MAX_BODY_BYTES, 1_048_576, 1, 512 * 1_048_576),
        s.integer(MAX_BATCH_SIZE, 1_000, 1, 100_000),
        s.integer(RETRY_AFTER_SECONDS, 1, 1, 3_600),
        s.longValue(DRAIN_MS, 10_000, 0, 3_600_000));
  }
}
