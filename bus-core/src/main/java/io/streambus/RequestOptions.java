package io.streambus;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How requests and replies work ({@link StreamBus#request}, {@link StreamBus#respond}): the default time a requester
 * waits, how long a responder is believed alive after its last sign of life, and how long a bus's reply stream
 * outlives it. Part of {@link BusOptions} ({@link BusOptions#getRequests()}); its JSON is the {@code requests} object of
 * the bus's. All times are in milliseconds.
 */
@DataObject
@JsonGen(publicConverter = false)
public class RequestOptions {
  /** Default time a requester waits for a reply: {@value} ms. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  /** Default time a responder counts as present after its last renewal: {@value} ms. */
  public static final long DEFAULT_RESPONDER_TTL_MS = 6_000;
  /** Default time a reply stream outlives its last renewal: {@value} ms. */
  public static final long DEFAULT_REPLY_TTL_MS = 60_000;
  /** A request's timeout: 1 ms to a day. */
  public static final OptionRange REQUEST_TIMEOUT_MS = OptionRange.of(1, 86_400_000);
  /** The responder presence time: 300 ms to an hour. */
  public static final OptionRange RESPONDER_TTL_MS = OptionRange.of(300, 3_600_000);
  /** The reply stream's time to live: 300 ms to a day. */
  public static final OptionRange REPLY_TTL_MS = OptionRange.of(300, 86_400_000);

  private long requestTimeoutMs;
  private long responderTtlMs;
  private long replyTtlMs;

  /** The defaults: the {@code DEFAULT_*} constants. */
  public RequestOptions() {
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    responderTtlMs = DEFAULT_RESPONDER_TTL_MS;
    replyTtlMs = DEFAULT_REPLY_TTL_MS;
  }

  /** A copy of {@code other}. */
  public RequestOptions(RequestOptions other) {
    this(other.toJson());
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public RequestOptions(JsonObject json) {
    this();
    OptionsJson.read("requests.", json, this, RequestOptionsConverter::fromJson);
    OptionsJson.verify("requests.", json, toJson());
  }

  /** Every option as JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    RequestOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public RequestOptions validate() {
    REQUEST_TIMEOUT_MS.check("requests.requestTimeoutMs", requestTimeoutMs);
    RESPONDER_TTL_MS.check("requests.responderTtlMs", responderTtlMs);
    REPLY_TTL_MS.check("requests.replyTtlMs", replyTtlMs);
    return this;
  }

  /** The time a request waits for its reply when the caller gives none, in ms. */
  public long getRequestTimeoutMs() {
    return requestTimeoutMs;
  }

  /**
   * Sets the time a request waits for its reply when the caller gives no timeout: after it the request fails with
   * {@link BusException.RequestFailed.Kind#TIMEOUT}, and its deadline (sent with it) tells responders not to start it
   * any more. In {@link #REQUEST_TIMEOUT_MS}; default {@value #DEFAULT_REQUEST_TIMEOUT_MS} ms.
   *
   * @return this
   */
  public RequestOptions setRequestTimeoutMs(long requestTimeoutMs) {
    this.requestTimeoutMs = requestTimeoutMs;
    return this;
  }

  /** How long a responder counts as present after its last renewal, in ms. */
  public long getResponderTtlMs() {
    return responderTtlMs;
  }

  /**
   * Sets how long a responder counts as present after its last renewal (it renews three times per this time while it
   * runs, and withdraws at once when it closes). This bounds how long requests are still sent to a topic whose last
   * responder died without closing: a request finds no responder, and fails with
   * {@link BusException.RequestFailed.Kind#NO_RESPONDER} without being stored, at most this long after the death.
   * Shorter costs more renewals (one small script per partition per renewal). Every bus sharing the topic should use
   * the same value. In {@link #RESPONDER_TTL_MS}; default {@value #DEFAULT_RESPONDER_TTL_MS} ms.
   *
   * @return this
   */
  public RequestOptions setResponderTtlMs(long responderTtlMs) {
    this.responderTtlMs = responderTtlMs;
    return this;
  }

  /** How long a bus's reply stream outlives its last renewal, in ms. */
  public long getReplyTtlMs() {
    return replyTtlMs;
  }

  /**
   * Sets how long a bus's reply stream outlives its last renewal: a running bus renews it three times per this time,
   * so a bus that died leaves nothing behind after it (replies sent to it later are dropped by the responder's step,
   * and never recreate the stream). In {@link #REPLY_TTL_MS}; default {@value #DEFAULT_REPLY_TTL_MS} ms.
   *
   * @return this
   */
  public RequestOptions setReplyTtlMs(long replyTtlMs) {
    this.replyTtlMs = replyTtlMs;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestOptions other && toJson().equals(other.toJson());
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
