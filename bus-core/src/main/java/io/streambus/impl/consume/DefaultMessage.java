package io.streambus.impl.consume;

import io.streambus.impl.wire.EntryCodec;
import io.streambus.BusException;
import io.streambus.Message;
import io.streambus.MessageId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;

public final class DefaultMessage implements Message {
  private final MessageId id;
  private final Map<String, Buffer> fields;
  /**
   * Built on first use: most handlers never read headers, and building the map decodes and copies every h: field of
   * every delivered message. Volatile so that a message handed to another thread still sees a complete map.
   */
  private volatile Map<String, String> headers;
  private final int deliveryCount;
  /**
   * A projection's writes for this delivery, once its projection succeeded (set on the handler's thread, read on the
   * subscription's context when the outcome arrives); null for a plain handler.
   */
  private volatile ProjectionWrites writes;

  /** @param fields the entry's fields as {@code EntryCodec.fields} reads them: unmodifiable */
  public DefaultMessage(MessageId id, Map<String, Buffer> fields, int deliveryCount) {
    this.id = id;
    this.fields = fields; // unmodifiable already (EntryCodec.fields)
    this.deliveryCount = deliveryCount;
  }

  @Override
  public MessageId id() {
    return id;
  }

  @Override
  public String topic() {
    return id.topic();
  }

  @Override
  public int partition() {
    return id.partition();
  }

  @Override
  public String key() {
    return EntryCodec.text(fields, EntryCodec.KEY);
  }

  @Override
  public Map<String, String> headers() {
    Map<String, String> h = headers;
    if (h == null) {
      // two threads may both build it: equal maps, either is fine
      h = Collections.unmodifiableMap(EntryCodec.headers(fields));
      headers = h;
    }
    return h;
  }

  @Override
  public String contentType() {
    return EntryCodec.contentType(fields);
  }

  @Override
  public Buffer payload() {
    return fields.get(EntryCodec.PAYLOAD);
  }

  @Override
  public JsonObject json() {
    Object v = jsonValue();
    if (v instanceof JsonObject o) {
      return o;
    }
    throw new BusException.NonRetryable("payload of " + id + " is not a JSON object");
  }

  @Override
  public JsonArray jsonArray() {
    Object v = jsonValue();
    if (v instanceof JsonArray a) {
      return a;
    }
    throw new BusException.NonRetryable("payload of " + id + " is not a JSON array");
  }

  @Override
  public Object jsonValue() {
    Buffer payload = payload();
    if (payload == null) {
      throw new BusException.NonRetryable("entry " + id + " has no payload field");
    }
    try {
      return Json.decodeValue(payload);
    } catch (DecodeException e) {
      throw new BusException.NonRetryable("payload of " + id + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Buffer> fields() {
    return fields;
  }

  @Override
  public int deliveryCount() {
    return deliveryCount;
  }

  @Override
  public Instant publishedAt() {
    return Instant.ofEpochMilli(Math.max(0, id.timestamp()));
  }

  /** Leaves the projection's writes with this delivery, for the settlement to apply. */
  void project(ProjectionWrites w) {
    this.writes = w;
  }

  /** The projection's writes for this delivery, or null. */
  ProjectionWrites writes() {
    return writes;
  }

  @Override
  public String toString() {
    return "Message[" + id + ", delivery " + deliveryCount + "]";
  }
}
