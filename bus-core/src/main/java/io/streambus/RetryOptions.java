package io.streambus;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between deliveries of a failed message: the n-th retry waits
 * {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, randomized by {@code ±jitter}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class RetryOptions {
  /** Default first backoff: {@value} ms. */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 100;
  /** Default backoff ceiling: {@value} ms. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 30_000;
  /** Default growth factor: {@value}. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** Default randomization: {@value} (±20 %). */
  public static final double DEFAULT_JITTER = 0.2;
  /** The first backoff's range: 0 to a day. */
  public static final OptionRange INITIAL_BACKOFF_MS = OptionRange.of(0, 86_400_000);
  /** The backoff ceiling's range: 0 to a day (and at least the first backoff). */
  public static final OptionRange MAX_BACKOFF_MS = OptionRange.of(0, 86_400_000);
  /** The growth factor's range: 1 to 100. */
  public static final OptionRange MULTIPLIER = OptionRange.of(1, 100);

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

  /** A copy of {@code other}. */
  public RetryOptions(RetryOptions other) {
    this(other.toJson());
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public RetryOptions(JsonObject json) {
    this();
    OptionsJson.read("retry.", json, this, RetryOptionsConverter::fromJson);
    OptionsJson.verify("retry.", json, toJson());
  }

  /** Every option as JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RetryOptionsConverter.toJson(this, json);
    return json;
  }

  /** The wait before the first retry, in ms (0 = retry at once). Default {@value #DEFAULT_INITIAL_BACKOFF_MS}. */
  public long getInitialBackoffMs() {
    return initialBackoffMs;
  }

  /**
   * Sets the wait before the first retry (0 retries at once), in {@link #INITIAL_BACKOFF_MS}.
   *
   * @return this
   */
  public RetryOptions setInitialBackoffMs(long initialBackoffMs) {
    this.initialBackoffMs = initialBackoffMs;
    return this;
  }

  /** The longest wait, in ms. Default {@value #DEFAULT_MAX_BACKOFF_MS}. */
  public long getMaxBackoffMs() {
    return maxBackoffMs;
  }

  /**
   * Sets the longest wait, in {@link #MAX_BACKOFF_MS} and at least the first backoff.
   *
   * @return this
   */
  public RetryOptions setMaxBackoffMs(long maxBackoffMs) {
    this.maxBackoffMs = maxBackoffMs;
    return this;
  }

  /** Growth factor per retry, at least 1. Default {@value #DEFAULT_MULTIPLIER}. */
  public double getMultiplier() {
    return multiplier;
  }

  /**
   * Sets the growth factor per retry, in {@link #MULTIPLIER}.
   *
   * @return this
   */
  public RetryOptions setMultiplier(double multiplier) {
    this.multiplier = multiplier;
    return this;
  }

  /** Relative randomization in [0, 1). Default {@value #DEFAULT_JITTER}. */
  public double getJitter() {
    return jitter;
  }

  /**
   * Sets the relative randomization of each wait, in [0, 1): 0.2 waits between 80 % and 120 % of the computed backoff.
   *
   * @return this
   */
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

  /**
   * @param prefix the path of these options in the options that hold them ({@code "retry."}), for the field names
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public RetryOptions validate(String prefix) {
    INITIAL_BACKOFF_MS.check(prefix + "initialBackoffMs", initialBackoffMs);
    MAX_BACKOFF_MS.check(prefix + "maxBackoffMs", maxBackoffMs);
    if (maxBackoffMs < initialBackoffMs) {
      throw new OptionException(prefix + "maxBackoffMs", prefix + "maxBackoffMs must be >= initialBackoffMs ("
          + initialBackoffMs + "), was " + maxBackoffMs);
    }
    MULTIPLIER.check(prefix + "multiplier", multiplier);
    if (!(jitter >= 0 && jitter < 1)) {
      throw new OptionException(prefix + "jitter", prefix + "jitter must be in [0, 1), was " + jitter);
    }
    return this;
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
