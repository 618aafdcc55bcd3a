package io.streambus.dashboard;

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
   * @throws IllegalArgumentException naming the first invalid field
   */
  public DashboardOptions validate() {
    require(sampleIntervalMs >= 100 && sampleIntervalMs <= 60_000,
        "sampleIntervalMs must be in 100..60000, was " + sampleIntervalMs);
    require(historySeconds >= 10 && historySeconds <= 86_400,
        "historySeconds must be in 10..86400, was " + historySeconds);
    require(historySeconds * 1000L >= 2 * sampleIntervalMs,
        "historySeconds must cover at least two samples of sampleIntervalMs");
    require(trendSamples >= 2 && trendSamples <= 600, "trendSamples must be in 2..600, was " + trendSamples);
    requireToken("mutationToken", mutationToken);
    requireToken("readToken", readToken);
    return this;
  }

  private static void requireToken(String field, String token) {
    require(token == null || (token.length() >= MIN_TOKEN_LENGTH && token.strip().equals(token)),
        field + " must be at least " + MIN_TOKEN_LENGTH + " characters without surrounding blanks");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Time between two samples (one round of XINFO reads for all topics). Default {@value #DEFAULT_SAMPLE_INTERVAL_MS} ms. */
  public long getSampleIntervalMs() {
    return sampleIntervalMs;
  }

  public DashboardOptions setSampleIntervalMs(long sampleIntervalMs) {
    this.sampleIntervalMs = sampleIntervalMs;
    return this;
  }

  /** How far back the in-memory history (charts, {@code /api/history}) reaches. Default {@value #DEFAULT_HISTORY_SECONDS} s. */
  public int getHistorySeconds() {
    return historySeconds;
  }

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
