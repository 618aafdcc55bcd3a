package io.streambus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The answer to a request ({@link StreamBus#request}): what the responder's handler answered with (an
 * {@link OutgoingReply}), and who answered. Immutable.
 */
public interface Reply {

  /** The id of the request this answers (its {@link Request#requestId()}). */
  String requestId();

  /** The consumer name of the responder that answered (its {@link Subscription#consumerName()}). */
  String responder();

  /** The payload bytes (empty for a reply without a payload). */
  Buffer payload();

  /** The payload's content type, as the responder gave it. */
  String contentType();

  /** The reply's headers, in the order the responder added them. */
  Map<String, String> headers();

  /** The value of header {@code name}, or null. */
  default String header(String name) {
    return headers().get(name);
  }

  /** The payload as UTF-8 text. */
  default String text() {
    return payload().toString();
  }

  /**
   * The payload decoded as a JSON object.
   *
   * @throws DecodeException when it is not a JSON object
   */
  default JsonObject json() {
    Object value = Json.decodeValue(payload());
    if (value instanceof JsonObject o) {
      return o;
    }
    throw new DecodeException("the reply's payload is not a JSON object");
  }
}
