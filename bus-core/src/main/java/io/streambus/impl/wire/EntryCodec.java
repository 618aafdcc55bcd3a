package io.streambus.impl.wire;

import io.streambus.OutgoingMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry format: plain field/value pairs that any Redis client can read and write.
 * {@code payload}, {@code content-type}, {@code key}, {@code h:<header>} (the trace context among them:
 * {@code h:traceparent}, {@code h:tracestate}), and {@code x-target-group} on replayed dead letters.
 * <p>
 * {@code content-type} is left out when it is {@link OutgoingMessage#BYTES}, the type an entry with a payload and no
 * such field is read as ({@link #contentType}): the field was a sixth of a 256-byte entry's fields to encode, store in
 * Redis and parse back, for the type most messages have.
 */
public final class EntryCodec {
  public static final String PAYLOAD = "payload";
  public static final String CONTENT_TYPE = "content-type";
  public static final String KEY = "key";
  public static final String HEADER_PREFIX = "h:";
  public static final String TARGET_GROUP = "x-target-group";
  private static final byte[] PAYLOAD_BYTES = PAYLOAD.getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTENT_TYPE_BYTES = CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.UTF_8);
  private static final int MAX_CACHED = 1_000;
  private static final Map<String, byte[]> HEADER_NAMES = new ConcurrentHashMap<>();
  private static final Map<String, byte[]> CONTENT_TYPES = new ConcurrentHashMap<>();

  private EntryCodec() {
  }

  /** The entry's fields as alternating name / value arguments for XADD. */
  public static List<Object> encode(OutgoingMessage m) {
    return encode(m, null);
  }

  /**
   * The entry's fields with {@code traceHeaders} (the trace context of the publish, may be null) as headers: they
   * replace the message's own headers of the same names, so that the entry carries one trace context, the publish's.
   */
  public static List<Object> encode(OutgoingMessage m, Map<String, String> traceHeaders) {
    List<Object> args = new ArrayList<>(6 + 2 * m.headers().size());
    args.add(PAYLOAD);
    args.add(m.payload());
    if (!isDefaultType(m.contentType())) {
      args.add(CONTENT_TYPE);
      args.add(m.contentType());
    }
    if (m.key() != null) {
      args.add(KEY);
      args.add(m.key());
    }
    m.headers().forEach((name, value) -> {
      if (traceHeaders == null || !traceHeaders.containsKey(name)) {
        args.add(HEADER_PREFIX + name);
        args.add(value);
      }
    });
    if (traceHeaders != null) {
      traceHeaders.forEach((name, value) -> {
        args.add(HEADER_PREFIX + name);
        args.add(value);
      });
    }
    return args;
  }

  /** Appends the entry's fields to {@code request}, in the order of {@link #encode}, without the list. */
  public static void addTo(Request request, OutgoingMessage m, Map<String, String> traceHeaders) {
    request.arg(PAYLOAD_BYTES).arg(m.payload());
    if (!isDefaultType(m.contentType())) {
      request.arg(CONTENT_TYPE_BYTES).arg(bytes(m.contentType(), false));
    }
    if (m.key() != null) {
      request.arg(KEY_BYTES).arg(m.key());
    }
    if (traceHeaders == null) {
      m.headers().forEach((name, value) -> request.arg(bytes(name, true)).arg(value));
      return;
    }
    m.headers().forEach((name, value) -> {
      if (!traceHeaders.containsKey(name)) {
        request.arg(bytes(name, true)).arg(value);
      }
    });
    traceHeaders.forEach((name, value) -> request.arg(bytes(name, true)).arg(value));
  }

  /** Appends encoded fields ({@link #encode}) to {@code request}: bytes as they are (Buffer, byte[]), else as text. */
  public static void addEncoded(Request request, List<Object> fields) {
    for (int i = 0; i < fields.size(); i++) {
      Object a = fields.get(i);
      if (a instanceof Buffer b) {
        request.arg(b);
      } else if (a instanceof byte[] bytes) {
        request.arg(bytes);
      } else {
        request.arg(String.valueOf(a));
      }
    }
  }

  private static boolean isDefaultType(String contentType) {
    // the constant itself, almost always: OutgoingMessage.bytes() passes it
    return contentType == OutgoingMessage.BYTES || OutgoingMessage.BYTES.equals(contentType);
  }

  /**
   * The content type of an entry with these fields: its {@code content-type} field; {@link OutgoingMessage#BYTES}
   * when it has a payload and no such field (the bus leaves the default out); null for an entry without a payload.
   */
  public static String contentType(Map<String, Buffer> fields) {
    Buffer b = fields.get(CONTENT_TYPE);
    if (b != null) {
      return b.toString();
    }
    return fields.containsKey(PAYLOAD) ? OutgoingMessage.BYTES : null;
  }

  /**
   * The UTF-8 bytes of a content type, or of a header's field name ({@code h:<name>}), cached: an application uses a
   * handful of each, and building and encoding them for every publish showed in the publish path's profile. Past
   * {@value #MAX_CACHED} names, further ones are encoded each time.
   */
  private static byte[] bytes(String text, boolean header) {
    Map<String, byte[]> cache = header ? HEADER_NAMES : CONTENT_TYPES;
    byte[] b = cache.get(text);
    if (b == null) {
      b = (header ? HEADER_PREFIX + text : text).getBytes(StandardCharsets.UTF_8);
      if (cache.size() < MAX_CACHED) {
        cache.put(text, b);
      }
    }
    return b;
  }

  /**
   * Fields of a reply array {@code [f1, v1, f2, v2, ...]}, unmodifiable, decoded as they are asked for
   * ({@link EntryFields}). A malformed array (odd length, nil names) yields what can be read; the caller decides
   * whether the entry is usable.
   */
  public static Map<String, Buffer> fields(Response array) {
    return array == null ? Map.of() : new EntryFields(array);
  }

  public static Map<String, String> headers(Map<String, Buffer> fields) {
    Map<String, String> headers = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (k.startsWith(HEADER_PREFIX) && k.length() > HEADER_PREFIX.length()) {
        headers.put(k.substring(HEADER_PREFIX.length()), v.toString());
      }
    });
    return headers;
  }

  public static String text(Map<String, Buffer> fields, String name) {
    Buffer b = fields.get(name);
    return b == null ? null : b.toString();
  }
}
