package io.streambus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RequestHandler} answers with: a payload with its content type, and headers. Mutable builder; not
 * thread-safe. The bus copies it when the handler's future completes, so it may be reused afterwards. The payload
 * types and content types are those of {@link OutgoingMessage}.
 */
public final class OutgoingReply {
  /** Most headers a reply may carry: {@value} (each is two arguments of the reply's command). */
  public static final int MAX_HEADERS = OutgoingMessage.MAX_HEADERS;

  private final Buffer payload;
  private final String contentType;
  private final Map<String, String> headers = new LinkedHashMap<>();

  private OutgoingReply(Buffer payload, String contentType) {
    this.payload = Objects.requireNonNull(payload, "payload");
    this.contentType = Objects.requireNonNull(contentType, "contentType");
  }

  /**
   * A reply whose payload is chosen by type, as {@link OutgoingMessage#of}: {@link Buffer} and {@code byte[]} as bytes,
   * {@link String} as text, anything else as JSON.
   *
   * @throws IllegalArgumentException when the payload is null or cannot be encoded as JSON
   */
  public static OutgoingReply of(Object payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null");
    }
    if (payload instanceof Buffer buffer) {
      return bytes(buffer);
    }
    if (payload instanceof byte[] array) {
      return bytes(Buffer.buffer(array));
    }
    if (payload instanceof String text) {
      return text(text);
    }
    return json(payload);
  }

  /** A JSON payload ({@link JsonObject}, {@link JsonArray}, a map, a number...), encoded with Vert.x's JSON codec. */
  public static OutgoingReply json(Object value) {
    try {
      return new OutgoingReply(Json.encodeToBuffer(value), OutgoingMessage.JSON);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("payload cannot be encoded as JSON: " + e.getMessage(), e);
    }
  }

  /** A UTF-8 text payload. */
  public static OutgoingReply text(String text) {
    return new OutgoingReply(Buffer.buffer(text), OutgoingMessage.TEXT);
  }

  /** A raw binary payload. */
  public static OutgoingReply bytes(Buffer bytes) {
    return new OutgoingReply(bytes, OutgoingMessage.BYTES);
  }

  /** A reply without a payload (an empty one, as bytes): "done", nothing to say. */
  public static OutgoingReply empty() {
    return new OutgoingReply(Buffer.buffer(), OutgoingMessage.BYTES);
  }

  /** A payload with an explicit content type (passed on as given, never interpreted by the bus). */
  public static OutgoingReply withContentType(Buffer payload, String contentType) {
    return new OutgoingReply(payload, contentType);
  }

  /**
   * Adds a header. Names must be non-empty; a later value replaces an earlier; at most {@value #MAX_HEADERS}.
   *
   * @return this
   * @throws IllegalArgumentException for an empty name, or a header past the {@value #MAX_HEADERS}th
   */
  public OutgoingReply header(String name, String value) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    if (headers.size() >= MAX_HEADERS && !headers.containsKey(name)) {
      throw new IllegalArgumentException("a reply may carry at most " + MAX_HEADERS + " headers; '" + name
          + "' would be one more");
    }
    headers.put(name, Objects.requireNonNull(value, "header value"));
    return this;
  }

  /** Adds all headers of {@code map}; returns this. */
  public OutgoingReply headers(Map<String, String> map) {
    map.forEach(this::header);
    return this;
  }

  /** The payload bytes (as given, not copied). */
  public Buffer payload() {
    return payload;
  }

  /** The payload's content type, passed on to the requester as given. */
  public String contentType() {
    return contentType;
  }

  /** The headers added so far, in the order added (a read-only view). */
  public Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }
}
