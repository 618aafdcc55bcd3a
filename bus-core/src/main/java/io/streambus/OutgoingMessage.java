package io.streambus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message to publish: topic, payload with its content type, an optional partition key, headers, and an optional
 * delivery time. Mutable builder; not thread-safe. The bus copies what it needs when {@link StreamBus#publish} is
 * called, so an instance may be reused afterwards.
 *
 * <p>On the wire the message is a plain stream entry any Redis client can read: {@code payload} (the bytes),
 * {@code content-type} (left out for {@link #BYTES}, which a reader assumes without it), {@code key} (when set) and
 * one {@code h:<name>} field per header.
 */
public final class OutgoingMessage {
  /** Content type of JSON payloads. */
  public static final String JSON = "application/json";
  /** Content type of text payloads. */
  public static final String TEXT = "text/plain; charset=utf-8";
  /** Content type of raw bytes. */
  public static final String BYTES = "application/octet-stream";
  /** Longest idempotency key accepted, in characters: {@value}. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
  /**
   * Most headers a message may carry: {@value}. Each is two arguments of the publish command, and managed services
   * bound a request's size (ElastiCache Serverless refuses more than 3,999 arguments).
   */
  public static final int MAX_HEADERS = 1_000;

  private final String topic;
  private final Buffer payload;
  private final String contentType;
  private String key;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private long deliverAt;
  private String idempotencyKey;

  private OutgoingMessage(String topic, Buffer payload, String contentType) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.contentType = Objects.requireNonNull(contentType, "contentType");
  }

  /**
   * A message whose payload is chosen by type: {@link Buffer} and {@code byte[]} are sent as bytes, {@link String} as
   * text, {@link JsonObject}, {@link JsonArray}, {@link Map}, numbers, booleans and other objects as JSON (encoded with
   * Vert.x's {@link Json} codec).
   *
   * @throws IllegalArgumentException when the payload is null or cannot be encoded as JSON
   */
  public static OutgoingMessage of(String topic, Object payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null");
    }
    if (payload instanceof Buffer buffer) {
      return bytes(topic, buffer);
    }
    if (payload instanceof byte[] array) {
      return bytes(topic, Buffer.buffer(array));
    }
    if (payload instanceof String text) {
      return text(topic, text);
    }
    return json(topic, payload);
  }

  /** A JSON payload; {@code value} is encoded with Vert.x's JSON codec. */
  public static OutgoingMessage json(String topic, Object value) {
    try {
      return new OutgoingMessage(topic, Json.encodeToBuffer(value), JSON);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("payload cannot be encoded as JSON: " + e.getMessage(), e);
    }
  }

  /** A UTF-8 text payload. */
  public static OutgoingMessage text(String topic, String text) {
    return new OutgoingMessage(topic, Buffer.buffer(text), TEXT);
  }

  /** A raw binary payload. */
  public static OutgoingMessage bytes(String topic, Buffer bytes) {
    return new OutgoingMessage(topic, bytes, BYTES);
  }

  /** A payload with an explicit content type (stored as given, never interpreted by the bus). */
  public static OutgoingMessage withContentType(String topic, Buffer payload, String contentType) {
    return new OutgoingMessage(topic, payload, contentType);
  }

  /**
   * Sets the partition key: messages with the same key go to the same partition and keep their order within it.
   * Without a key, partitions are chosen round robin.
   */
  public OutgoingMessage key(String key) {
    this.key = key;
    return this;
  }

  /**
   * Adds a header (stored as field {@code h:<name>}). Names must be non-empty; a later value replaces an earlier; at
   * most {@value #MAX_HEADERS} headers.
   *
   * @throws IllegalArgumentException for an empty name, or a header past the {@value #MAX_HEADERS}th
   */
  public OutgoingMessage header(String name, String value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    if (headers.size() >= MAX_HEADERS && !headers.containsKey(name)) {
      throw new IllegalArgumentException("a message may carry at most " + MAX_HEADERS + " headers (a request of more"
          + " than 3,999 arguments is refused by ElastiCache Serverless); '" + name + "' would be one more");
    }
    headers.put(name, Objects.requireNonNull(value, "header value"));
    return this;
  }

  /** Adds all headers of {@code map}. */
  public OutgoingMessage headers(Map<String, String> map) {
    map.forEach(this::header);
    return this;
  }

  /** Makes the message visible to consumers only from {@code time} on (delayed delivery). */
  public OutgoingMessage deliverAt(Instant time) {
    this.deliverAt = time.toEpochMilli();
    return this;
  }

  /** Makes the message visible to consumers only after {@code delay}. */
  public OutgoingMessage delay(Duration delay) {
    this.deliverAt = System.currentTimeMillis() + delay.toMillis();
    return this;
  }

  /**
   * Makes the publish idempotent: a later publish of a message with the same idempotency key to the same topic, within
   * {@link BusOptions#getIdempotencyWindowMs()} of the first, stores nothing and succeeds with the first message's id
   * ({@link MessageId#isDuplicate()} true), whatever its payload. The decision is made in Redis, atomically with the
   * write, so publishers racing with one key store one entry. Without a partition key, the partition is chosen by the
   * idempotency key, so that a retry lands where the first attempt did. Not caught: the same idempotency key with
   * another partition key (another partition), or after the topic's partition count changed. Cannot be combined with
   * {@link #deliverAt} or {@link #delay} (the publish fails with an {@link IllegalArgumentException}). The key is not
   * part of the stored entry. {@code null} removes it.
   *
   * @throws IllegalArgumentException when the key is empty or longer than {@value #MAX_IDEMPOTENCY_KEY_LENGTH}
   *     characters
   */
  public OutgoingMessage idempotencyKey(String key) {
    if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw new IllegalArgumentException("idempotency key must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
          + " characters, was " + (key.isEmpty() ? "empty" : key.length() + " characters"));
    }
    this.idempotencyKey = key;
    return this;
  }

  /** The idempotency key, or null. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  public String topic() {
    return topic;
  }

  public Buffer payload() {
    return payload;
  }

  public String contentType() {
    return contentType;
  }

  /** The partition key, or null. */
  public String key() {
    return key;
  }

  public Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }

  /** Epoch millis from which the message is visible, or 0 for immediately. */
  public long deliverAt() {
    return deliverAt;
  }
}
