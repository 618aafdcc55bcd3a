package io.streambus.admin;

import io.streambus.Message;
import io.streambus.OutgoingMessage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Map;

/**
 * A dead-lettered message with the record of why.
 *
 * @param ref the reference used by {@link DeadLetters#get}, replay and delete: {@code <partition>/<dead-letter id>}
 * @param sourceStream the stream the message came from
 * @param originalId its entry id there
 * @param group the group whose handling failed (replay re-delivers to it)
 * @param consumer the consumer that dead-lettered it
 * @param deliveries how many times it had been delivered
 * @param errorClass class of the last error (or {@code delivery-limit} / {@code foreign-entry})
 * @param error the last error's message
 * @param deadLetteredAt epoch millis
 * @param fields the original entry's fields (payload, content-type, key, h:* headers, or a foreign entry's fields)
 */
public record DeadLetter(String ref, int partition, String id, String sourceStream, String originalId, String group,
                         String consumer, int deliveries, String errorClass, String error, long deadLetteredAt,
                         Map<String, Buffer> fields) {

  /** The original payload, or null for a foreign entry without one. */
  public Buffer payload() {
    return fields.get("payload");
  }

  /**
   * The original content type, as {@link Message#contentType()} reads it: the {@code content-type} field,
   * {@link OutgoingMessage#BYTES} for an entry with a payload and no such field, null for one without a payload.
   */
  public String contentType() {
    Buffer b = fields.get("content-type");
    if (b != null) {
      return b.toString();
    }
    return fields.containsKey("payload") ? OutgoingMessage.BYTES : null;
  }

  /**
   * JSON for APIs: every field as text (bytes that are not valid UTF-8 are replaced), plus {@code payloadBase64} with
   * the exact payload bytes.
   */
  public JsonObject toJson() {
    JsonObject f = new JsonObject();
    fields.forEach((k, v) -> f.put(k, v.toString()));
    Buffer payload = payload();
    return new JsonObject().put("ref", ref).put("partition", partition).put("id", id)
        .put("sourceStream", sourceStream).put("originalId", originalId).put("group", group)
        .put("consumer", consumer).put("deliveries", deliveries).put("errorClass", errorClass).put("error", error)
        .put("deadLetteredAt", deadLetteredAt).put("contentType", contentType())
        .put("payload", payload == null ? null : payload.toString())
        .put("payloadBase64", payload == null ? null : Base64.getEncoder().encodeToString(payload.getBytes()))
        .put("fields", f);
  }
}
