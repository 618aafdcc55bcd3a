package io.streambus.admin;

import io.streambus.Message;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of a partition's stream as {@link BusAdmin#read} finds it, read without a consumer group (reading it
 * changes nothing: no delivery is counted, nothing becomes pending).
 *
 * @param id the entry id ({@code <millis>-<seq>})
 * @param fields every field of the entry, in stream order: {@code payload}, {@code content-type}, {@code key},
 *     {@code h:<header>}, or whatever a foreign producer wrote
 */
public record StreamEntry(String topic, int partition, String id, Map<String, Buffer> fields) {

  /** Where the entry is, as a publish returned it. */
  public MessageId messageId() {
    return MessageId.of(topic, partition, id);
  }

  /** Epoch millis of the id's time part: when Redis stored the entry. */
  public long timestamp() {
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }

  /** The payload, or null for a foreign entry without one. */
  public Buffer payload() {
    return fields.get("payload");
  }

  /** The content type as {@link Message#contentType()} reads it (null for an entry without a payload). */
  public String contentType() {
    Buffer b = fields.get("content-type");
    if (b != null) {
      return b.toString();
    }
    return fields.containsKey("payload") ? OutgoingMessage.BYTES : null;
  }

  /** The partition key, or null. */
  public String key() {
    Buffer b = fields.get("key");
    return b == null ? null : b.toString();
  }

  /** The headers ({@code h:<name>} fields), name without the prefix, in stream order. */
  public Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    fields.forEach((name, value) -> {
      if (name.startsWith("h:")) {
        headers.put(name.substring(2), value.toString());
      }
    });
    return headers;
  }

  /**
   * JSON for tools: every field as text (bytes that are not valid UTF-8 are replaced), plus {@code payloadBase64}
   * with the exact payload bytes.
   */
  public JsonObject toJson() {
    JsonObject f = new JsonObject();
    fields.forEach((k, v) -> f.put(k, v.toString()));
    JsonObject h = new JsonObject();
    headers().forEach(h::put);
    Buffer payload = payload();
    return new JsonObject().put("topic", topic).put("partition", partition).put("id", id)
        .put("timestamp", timestamp()).put("key", key()).put("headers", h).put("contentType", contentType())
        .put("payload", payload == null ? null : payload.toString())
        .put("payloadBase64", payload == null ? null : Base64.getEncoder().encodeToString(payload.getBytes()))
        .put("fields", f);
  }
}
