package io.streambus;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between deliveries of a failed message: the n-th retry waits
 * {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, randomized by {@code ±jitter}.
 */
public class RetryOptions {
  /** Default first backoff: {@value} ms. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 100;
  /** Default backoff ceiling: {@value} ms. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 30_000;
  /** Default growth factor: {@value}. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** Default randomization: {@value} (±20 %). */
  public static final double DEFAULT_JITTER = 0.2;

  private long initialBackoffMs;
  private long maxBackoffMs;
  private double multiplier;
  private double jitter;

  public RetryOptions() {
    initialBackoffMs = DEFAULT_INITIAL_BACKOFF_MS;
    maxBackoffMs = DEFAULT_MAX_BACKOFF_MS;
    multiplier = DEFAULT_MULTIPLIER;
    jitter = DEFAULT_JITTER;
  }

  public RetryOptions(RetryOptions other) {
    initialBackoffMs = other.initialBackoffMs;
    maxBackoffMs = other.maxBackoffMs;
    multiplier = other.multiplier;
    jitter = other.jitter;
  }

  public RetryOptions(JsonObject json) {
    this();
    initialBackoffMs = json.getLong("initialBackoffMs", initialBackoffMs);
    maxBackoffMs = json.getLong("maxBackoffMs", maxBackoffMs);
    multiplier = json.getDouble("multiplier", multiplier);
    jitter = json.getDouble("jitter", jitter);
  }

  public JsonObject toJson() {
    return new JsonObject().put("initialBackoffMs", initialBackoffMs).put("maxBackoffMs", maxBackoffMs)
        .put("multiplier", multiplier).put("jitter", jitter);
  }

  /** The wait before the first retry, in ms (0 = retry at once). Default {@value #DEFAULT_INITIAL_BACKOFF_MS}. */
  public long getInitialBackoffMs() {
    return initialBackoffMs;
  }

  public RetryOptions setInitialBackoffMs(long initialBackoffMs) {
    this.initialBackoffMs = initialBackoffMs;
    return this;
  }

  /** The longest wait, in ms. Default {@value #DEFAULT_MAX_BACKOFF_MS}. */
  public long getMaxBackoffMs() {
    return maxBackoffMs;
  }

  public RetryOptions setMaxBackoffMs(long maxBackoffMs) {
    this.maxBackoffMs = maxBackoffMs;
    return this;
  }

  /** Growth factor per retry, at least 1. Default {@value #DEFAULT_MULTIPLIER}. */
  public double getMultiplier() {
    return multiplier;
  }

  public RetryOptions setMultiplier(double multiplier) {
    this.multiplier = multiplier;
    return this;
  }

  /** Relative randomization in [0, 1). Default {@value #DEFAULT_JITTER}. */
  public double getJitter() {
    return jitter;
  }

  public RetryOptions setJitter(double jitter) {
    this.jitter = jitter;
    return this;
  }

  /**
   * The wait before retry number {@code retry} (1 = the first retry), in ms.
   */
  public long backoffMs(int retry) {
    double base = initialBackoffMs * Math.pow(multiplier, Math.max(0, retry - 1));
    double capped = Math.min(maxBackoffMs, base);
    if (jitter > 0 && capped > 0) {
      capped *= 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    }
    return Math.max(0, Math.min(maxBackoffMs, Math.round(capped)));
  }

  /** @throws IllegalArgumentException naming the first invalid field */
  public RetryOptions validate(String prefix) {
    require(initialBackoffMs >= 0, prefix + "initialBackoffMs must be >= 0, was " + initialBackoffMs);
    require(maxBackoffMs >= initialBackoffMs,
        prefix + "maxBackoffMs must be >= initialBackoffMs, was " + maxBackoffMs);
    require(multiplier >= 1.0, prefix + "multiplier must be >= 1, was " + multiplier);
    require(jitter >= 0 && jitter < 1, prefix + "jitter must be in [0, 1), was " + jitter);
    return this;
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryOptions r && toJson().equals(r.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
