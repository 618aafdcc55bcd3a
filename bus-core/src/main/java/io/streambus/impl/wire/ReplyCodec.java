package io.streambus.impl.wire;

import io.streambus.OutgoingMessage;
import io.streambus.OutgoingReply;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire format of requests and replies, in one place. A request is a plain entry of its topic with three headers
 * ({@link #REQUEST_ID}, {@link #REPLY_TO}: the requesting bus instance, {@link #DEADLINE}: epoch ms); a reply is an
 * entry of the requester's reply stream with the request's id, the topic, the responder's consumer name, the
 * outcome, and either the reply (payload, content type, headers) or the error (its class name and message).
 */
public final class ReplyCodec {
  /** Request header: the request's id (correlation id). */
  public static final String REQUEST_ID = "bus-request-id";
  /** Request header: the id of the bus instance waiting for the reply (its reply stream is {@link Keys#inbox}). */
  public static final String REPLY_TO = "bus-reply-to";
  /** Request header: the requester's deadline, epoch ms. */
  public static final String DEADLINE = "bus-deadline";

  private static final String F_REQUEST = "request-id";
  private static final String F_TOPIC = "topic";
  private static final String F_RESPONDER = "responder";
  private static final String F_OUTCOME = "outcome";
  private static final String F_ERROR_TYPE = "error-type";
  private static final String F_ERROR = "error";
  private static final String OK = "ok";
  private static final String FAILED = "failed";

  private ReplyCodec() {
  }

  /** A reply as it was read back from a reply stream; {@code errorType} and {@code error} are null unless failed. */
  public record Decoded(String requestId, String topic, String responder, boolean ok, Buffer payload,
                        String contentType, Map<String, String> headers, String errorType, String error) {
  }

  /** The fields of a successful reply. */
  public static List<Object> success(String requestId, String topic, String responder, OutgoingReply reply) {
    List<Object> f = start(requestId, topic, responder, OK, 2 * reply.headers().size() + 4);
    f.add(EntryCodec.PAYLOAD);
    f.add(reply.payload());
    f.add(EntryCodec.CONTENT_TYPE);
    f.add(reply.contentType());
    reply.headers().forEach((name, value) -> {
      f.add(EntryCodec.HEADER_PREFIX + name);
      f.add(value);
    });
    return f;
  }

  /** The fields of a failure reply: the responder's error. */
  public static List<Object> failure(String requestId, String topic, String responder, String errorType,
                                     String error) {
    List<Object> f = start(requestId, topic, responder, FAILED, 4);
    f.add(F_ERROR_TYPE);
    f.add(errorType);
    f.add(F_ERROR);
    f.add(error);
    return f;
  }

  private static List<Object> start(String requestId, String topic, String responder, String outcome, int more) {
    List<Object> f = new ArrayList<>(8 + more);
    f.add(F_REQUEST);
    f.add(requestId);
    f.add(F_TOPIC);
    f.add(topic);
    f.add(F_RESPONDER);
    f.add(responder);
    f.add(F_OUTCOME);
    f.add(outcome);
    return f;
  }

  /** A reply stream's entry as a reply, or null for one that is not (the stream's marker, a foreign entry). */
  public static Decoded decode(Map<String, Buffer> fields) {
    String requestId = EntryCodec.text(fields, F_REQUEST);
    String outcome = EntryCodec.text(fields, F_OUTCOME);
    if (requestId == null || outcome == null) {
      return null;
    }
    boolean ok = outcome.equals(OK);
    Buffer payload = fields.get(EntryCodec.PAYLOAD);
    String contentType = EntryCodec.text(fields, EntryCodec.CONTENT_TYPE);
    return new Decoded(requestId, EntryCodec.text(fields, F_TOPIC), EntryCodec.text(fields, F_RESPONDER), ok,
        payload == null ? Buffer.buffer() : payload, contentType == null ? OutgoingMessage.BYTES : contentType,
        EntryCodec.headers(fields), ok ? null : EntryCodec.text(fields, F_ERROR_TYPE),
        ok ? null : EntryCodec.text(fields, F_ERROR));
  }
}
