package io.streambus.dashboard;

import io.streambus.OptionException;
import io.streambus.OptionRange;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * How a dashboard samples the bus and who may do what. Defaults are the {@code DEFAULT_*} constants; times are in
 * milliseconds or seconds as each name says.
 *
 * <p>Security: with no {@link #getMutationToken() mutation token} the mutating endpoints (replay, delete, purge)
 * answer 403 and the page explains how to enable them. With a {@link #getReadToken() read token} every API endpoint
 * except {@code /api/config} requires it (or the mutation token). Tokens travel only in the {@code X-Bus-Token}
 * request header, never in cookies or URLs, so a foreign page cannot make a browser send them (no CSRF).
 */
public class DashboardOptions {
  /** Default time between two samples of the bus: {@value} ms. */
  public static final long DEFAULT_SAMPLE_INTERVAL_MS = 1_000;
  /** Default history kept in memory for the charts: {@value} s (15 minutes). */
  public static final int DEFAULT_HISTORY_SECONDS = 900;
  /** Default number of samples over which a group's lag trend is judged: {@value}. */
  public static final int DEFAULT_TREND_SAMPLES = 5;
  /** The sampling interval: 100 ms to a minute. */
  public static final OptionRange SAMPLE_INTERVAL_MS = OptionRange.of(100, 60_000);
  /** The history kept: 10 s to a day. */
  public static final OptionRange HISTORY_SECONDS = OptionRange.of(10, 86_400);
  /** The samples a group's state is judged over: 2 to 600. */
  public static final OptionRange TREND_SAMPLES = OptionRange.of(2, 600);
  /** Shortest accepted token: {@value} characters. */
  public static final int MIN_TOKEN_LENGTH = 8;

  private long sampleIntervalMs;
  private int historySeconds;
  private int trendSamples;
  private String mutationToken;
  private String readToken;

  public DashboardOptions() {
    sampleIntervalMs = DEFAULT_SAMPLE_INTERVAL_MS;
    historySeconds = DEFAULT_HISTORY_SECONDS;
    trendSamples = DEFAULT_TREND_SAMPLES;
  }

  public DashboardOptions(DashboardOptions other) {
    sampleIntervalMs = other.sampleIntervalMs;
    historySeconds = other.historySeconds;
    trendSamples = other.trendSamples;
    mutationToken = other.mutationToken;
    readToken = other.readToken;
  }

  /** Reads every field {@link #toJson()} writes, plus the tokens; missing fields keep their defaults. */
  public DashboardOptions(JsonObject json) {
    this();
    sampleIntervalMs = json.getLong("sampleIntervalMs", sampleIntervalMs);
    historySeconds = json.getInteger("historySeconds", historySeconds);
    trendSamples = json.getInteger("trendSamples", trendSamples);
    mutationToken = json.getString("mutationToken", mutationToken);
    readToken = json.getString("readToken", readToken);
  }

  /** The options as JSON; the tokens are left out so that the JSON can be logged or shown. */
  public JsonObject toJson() {
    return new JsonObject().put("sampleIntervalMs", sampleIntervalMs).put("historySeconds", historySeconds)
        .put("trendSamples", trendSamples);
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field ({@link OptionException#field()})
   */
  public DashboardOptions validate() {
    SAMPLE_INTERVAL_MS.check("sampleIntervalMs", sampleIntervalMs);
    HISTORY_SECONDS.check("historySeconds", historySeconds);
    if (historySeconds * 1000L < 2 * sampleIntervalMs) {
      throw new OptionException("historySeconds", "historySeconds must cover at least two samples of sampleIntervalMs");
    }
    TREND_SAMPLES.check("trendSamples", trendSamples);
    requireToken("mutationToken", mutationToken);
    requireToken("readToken", readToken);
    return this;
  }

  private static void requireToken(String field, String token) {
    if (token != null && (token.length() < MIN_TOKEN_LENGTH || !token.strip().equals(token))) {
      throw new OptionException(field, field + " must be at least " + MIN_TOKEN_LENGTH
          + " characters without surrounding blanks");
    }
  }

  /** Time between two samples (one round of XINFO reads for all topics). Default {@value #DEFAULT_SAMPLE_INTERVAL_MS} ms. */
  public long getSampleIntervalMs() {
    return sampleIntervalMs;
  }

  /**
   * Sets {@link #getSampleIntervalMs()}, in {@link #SAMPLE_INTERVAL_MS}.
   *
   * @return this
   */
  public DashboardOptions setSampleIntervalMs(long sampleIntervalMs) {
    this.sampleIntervalMs = sampleIntervalMs;
    return this;
  }

  /** How far back the in-memory history (charts, {@code /api/history}) reaches. Default {@value #DEFAULT_HISTORY_SECONDS} s. */
  public int getHistorySeconds() {
    return historySeconds;
  }

  /**
   * Sets {@link #getHistorySeconds()}, in {@link #HISTORY_SECONDS} and at least two samples.
   *
   * @return this
   */
  public DashboardOptions setHistorySeconds(int historySeconds) {
    this.historySeconds = historySeconds;
    return this;
  }

  /**
   * Samples over which a group's state is judged: a group with a backlog and no progress in this many samples is
   * {@code STALLED}, one whose lag grew across them is {@code FALLING_BEHIND}. Default {@value #DEFAULT_TREND_SAMPLES}.
   */
  public int getTrendSamples() {
    return trendSamples;
  }

  /**
   * Sets {@link #getTrendSamples()}, in {@link #TREND_SAMPLES}.
   *
   * @return this
   */
  public DashboardOptions setTrendSamples(int trendSamples) {
    this.trendSamples = trendSamples;
    return this;
  }

  /**
   * The token that replay, delete and purge require in the {@code X-Bus-Token} header; null (default) disables them.
   * At least {@value #MIN_TOKEN_LENGTH} characters.
   */
  public String getMutationToken() {
    return mutationToken;
  }

  /**
   * Sets {@link #getMutationToken()}: null, or at least {@value #MIN_TOKEN_LENGTH} characters without surrounding blanks.
   *
   * @return this
   */
  public DashboardOptions setMutationToken(String mutationToken) {
    this.mutationToken = mutationToken;
    return this;
  }

  /**
   * The token that the read endpoints require in the {@code X-Bus-Token} header (the mutation token is accepted
   * too); null (default) leaves them open.
   */
  public String getReadToken() {
    return readToken;
  }

  /**
   * Sets {@link #getReadToken()}: null, or at least {@value #MIN_TOKEN_LENGTH} characters without surrounding blanks.
   *
   * @return this
   */
  public DashboardOptions setReadToken(String readToken) {
    this.readToken = readToken;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DashboardOptions other && toJson().equals(other.toJson())
        && Objects.equals(mutationToken, other.mutationToken) && Objects.equals(readToken, other.readToken);
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().put("mutations", mutationToken != null).put("readProtected", readToken != null).encode();
  }
}
