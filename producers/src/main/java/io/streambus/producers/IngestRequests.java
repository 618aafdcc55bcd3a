package io.streambus.producers;

import io.streambus.OutgoingMessage;
import io.streambus.Topics;
import io.streambus.app.HeaderText;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns ingest requests into {@link OutgoingMessage}s, rejecting bad input with an {@link ApiError}. Pure: no I/O.
 *
 * <p>Single message: the body is the payload, stored with the request's {@code Content-Type} (JSON bodies are checked
 * to parse); {@value #KEY_HEADER} is the partition key and each {@code X-Bus-Header-<name>} header becomes message
 * header {@code <name>} (lower case). Batch: a JSON array of {@code {"payload": <any JSON>, "key": "...",
 * "headers": {"name": "value"}, "idempotencyKey": "..."}} objects; request headers apply to every element, element
 * fields override them.
 *
 * <p>Idempotency ({@link OutgoingMessage#idempotencyKey}): a single message takes the {@value #IDEMPOTENCY_HEADER}
 * header; a batch element its {@code idempotencyKey} field, else {@code <Idempotency-Key header>:<index>}, so that a
 * whole batch sent again with the same header stores nothing twice. A key is 1-200 characters.
 */
final class IngestRequests {
  static final String KEY_HEADER = "X-Bus-Key";
  static final String HEADER_PREFIX = "x-bus-header-";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private IngestRequests() {
  }

  static String topic(String topic) {
    if (!Topics.isValidName(topic)) {
      throw ApiError.badRequest("invalid_topic", "topic must be 1-200 of [A-Za-z0-9._-], was '" + asSent(topic) + "'");
    }
    return topic;
  }

  /**
   * The path text as the client wrote it. A request line's bytes reach us one character per byte (ISO-8859-1), so a
   * client that sent UTF-8 unescaped (curl does) would see its topic echoed as mojibake; percent-escaped UTF-8 is
   * already decoded right, and is not valid UTF-8 once re-read byte by byte, so it stays as it is.
   */
  private static String asSent(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xff) {
        return text;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      return text;
    }
  }

  static OutgoingMessage single(String topic, MultiMap httpHeaders, Buffer body) {
    String contentType = httpHeaders.get("Content-Type");
    OutgoingMessage message;
    if (isJson(contentType)) {
      parse(body, "body");
      message = OutgoingMessage.withContentType(topic, body, OutgoingMessage.JSON);
    } else {
      message = OutgoingMessage.withContentType(topic, body,
          contentType == null || contentType.isBlank() ? OutgoingMessage.BYTES : contentType);
    }
    return idempotent(withMetadata(message, httpHeaders), httpHeaders.get(IDEMPOTENCY_HEADER),
        "the " + IDEMPOTENCY_HEADER + " header");
  }

  static List<OutgoingMessage> batch(String topic, MultiMap httpHeaders, Buffer body, int maxBatchSize) {
    if (!(parse(body, "body") instanceof JsonArray array)) {
      throw ApiError.badRequest("not_an_array", "a batch body must be a JSON array of {\"payload\": ...} objects");
    }
    if (array.isEmpty() || array.size() > maxBatchSize) {
      throw ApiError.badRequest("bad_batch_size",
          "a batch must hold 1.." + maxBatchSize + " messages, had " + array.size());
    }
    List<OutgoingMessage> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      OutgoingMessage message = element(topic, httpHeaders, array.getValue(i), i);
      if (message.idempotencyKey() == null && httpHeaders.get(IDEMPOTENCY_HEADER) != null) {
        idempotent(message, httpHeaders.get(IDEMPOTENCY_HEADER) + ":" + i,
            "the " + IDEMPOTENCY_HEADER + " header (with \":" + i + "\" for element " + i + ")");
      }
      messages.add(message);
    }
    return messages;
  }

  private static OutgoingMessage element(String topic, MultiMap httpHeaders, Object element, int index) {
    if (!(element instanceof JsonObject object) || !object.containsKey("payload")) {
      throw ApiError.badRequest("bad_batch_element", "element " + index + " must be an object with a \"payload\"");
    }
    OutgoingMessage message = withMetadata(
        OutgoingMessage.withContentType(topic, Json.encodeToBuffer(object.getValue("payload")), OutgoingMessage.JSON),
        httpHeaders);
    String where = "element " + index + "'s ";
    Object key = object.getValue("key");
    if (key != null) {
      message.key(headerValue(where + "key", scalar(where + "key", key)));
    }
    if (object.containsKey("idempotencyKey")) {
      if (!(object.getValue("idempotencyKey") instanceof String idempotencyKey)) {
        throw badElement(where + "idempotencyKey must be a string, was " + jsonType(object.getValue("idempotencyKey")));
      }
      idempotent(message, idempotencyKey, where + "idempotencyKey");
    }
    Object headers = object.getValue("headers");
    if (headers != null) {
      if (!(headers instanceof JsonObject map)) {
        throw badElement(where + "headers must be an object of name: value, was " + jsonType(headers));
      }
      for (Map.Entry<String, Object> h : map) {
        String what = where + "header '" + h.getKey() + "'";
        if (!HeaderText.isToken(h.getKey())) {
          throw badElement(what + ": a header name must be 1 or more of the characters of an HTTP token"
              + " (letters, digits and !#$%&'*+-.^_`|~)");
        }
        message.header(h.getKey(), headerValue(what, scalar(what, h.getValue())));
      }
    }
    return message;
  }

  /** A string, number or boolean element field as text; anything else is refused, naming the field. */
  private static String scalar(String what, Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw badElement(what + " must be a string, number or boolean, was " + jsonType(value));
  }

  /** Refuses what no consumer could send on as an HTTP header (the http handler would dead-letter it). */
  private static String headerValue(String what, String value) {
    String problem = HeaderText.valueProblem(what, value);
    if (problem != null) {
      throw badElement(problem);
    }
    return value;
  }

  private static ApiError badElement(String message) {
    return ApiError.badRequest("bad_batch_element", message);
  }

  private static String jsonType(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return value instanceof String ? "a string" : value instanceof Boolean ? "a boolean" : "a number";
  }

  /** @param what where the key came from, for the error */
  private static OutgoingMessage idempotent(OutgoingMessage message, String key, String what) {
    if (key == null) {
      return message;
    }
    if (key.isEmpty() || key.length() > OutgoingMessage.MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw ApiError.badRequest("bad_idempotency_key", what + " must be 1-"
          + OutgoingMessage.MAX_IDEMPOTENCY_KEY_LENGTH + " characters, was " + key.length());
    }
    return message.idempotencyKey(key);
  }

  private static OutgoingMessage withMetadata(OutgoingMessage message, MultiMap httpHeaders) {
    String key = httpHeaders.get(KEY_HEADER);
    if (key != null) {
      message.key(key);
    }
    for (Map.Entry<String, String> h : httpHeaders) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(HEADER_PREFIX) && name.length() > HEADER_PREFIX.length()) {
        message.header(name.substring(HEADER_PREFIX.length()), h.getValue());
      }
    }
    return message;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.endsWith("+json");
  }

  private static Object parse(Buffer body, String what) {
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("malformed_json", what + " is empty");
    }
    try {
      return Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.badRequest("malformed_json", what + " is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
