package io.streambus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;

/**
 * A delivered message. Immutable.
 *
 * <p>Entries written by other clients (redis-cli, other languages) are delivered too: {@link #fields()} always holds
 * every raw field of the entry; {@link #payload()} is null when the entry has no {@code payload} field.
 */
public interface Message {

  /** Topic, partition and stream entry id. */
  MessageId id();

  String topic();

  int partition();

  /** The partition key the publisher gave, or null. */
  String key();

  /** The headers ({@code h:<name>} fields) without the prefix, in entry order. */
  Map<String, String> headers();

  /** The value of header {@code name}, or null. */
  default String header(String name) {
    return headers().get(name);
  }

  /**
   * The payload's content type: the entry's {@code content-type} field; {@link OutgoingMessage#BYTES} for an entry
   * with a payload and no such field (the bus does not write the field for that type, and an entry without a
   * declared type is bytes); null for an entry without a payload.
   */
  String contentType();

  /** The payload bytes, or null when the entry has no {@code payload} field. */
  Buffer payload();

  /** The payload as UTF-8 text, or null when there is none. */
  default String text() {
    Buffer payload = payload();
    return payload == null ? null : payload.toString();
  }

  /**
   * The payload decoded as a JSON object.
   *
   * @throws BusException.NonRetryable when there is no payload or it is not a JSON object; a handler that lets this
   *     escape dead-letters the message at once (a malformed message will not get better by retrying)
   */
  JsonObject json();

  /**
   * The payload decoded as a JSON array.
   *
   * @throws BusException.NonRetryable as {@link #json()}
   */
  JsonArray jsonArray();

  /**
   * The payload decoded as any JSON value ({@link JsonObject}, {@link JsonArray}, String, Number, Boolean or null).
   *
   * @throws BusException.NonRetryable as {@link #json()}
   */
  Object jsonValue();

  /** Every raw field of the entry, in entry order, values as bytes. */
  Map<String, Buffer> fields();

  /** How many times this message has been delivered to this group, this delivery included (1 on first delivery). */
  int deliveryCount();

  /** When Redis stored the entry (from the entry id). */
  Instant publishedAt();

  /** @return true when the entry was not written by Streambus (it has no {@code payload} field) */
  default boolean isForeign() {
    return payload() == null;
  }

}
