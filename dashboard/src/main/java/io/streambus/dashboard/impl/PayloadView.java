package io.streambus.dashboard.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How the browser shows a field's bytes, whatever they are: JSON pretty-printed, text as text (the page sets it as
 * text, never as markup), anything else (bytes that are not UTF-8, control characters) as a hex dump. Only the first
 * {@link #SHOWN_BYTES} bytes are rendered, so one huge entry cannot make a huge response.
 */
final class PayloadView {
  /** Bytes of one value rendered at most. */
  static final int SHOWN_BYTES = 64 * 1024;
  private static final int HEX_ROW = 16;

  private PayloadView() {
  }

  /** {kind: json|text|binary, size, truncated, text}; null stays null (a foreign entry without a payload). */
  static JsonObject of(Buffer value, String contentType) {
    if (value == null) {
      return null;
    }
    int size = value.length();
    boolean truncated = size > SHOWN_BYTES;
    byte[] shown = value.getBytes(0, Math.min(size, SHOWN_BYTES));
    String text = truncated ? null : utf8(shown);
    if (truncated) {
      // a cut may split a character: decide on the bytes shown, less an incomplete last character
      text = utf8(shown, 3);
    }
    JsonObject view = new JsonObject().put("size", size).put("truncated", truncated);
    if (text == null || hasControl(text)) {
      return view.put("kind", "binary").put("text", hex(shown));
    }
    String pretty = truncated ? null : prettyJson(text, contentType);
    return pretty != null ? view.put("kind", "json").put("text", pretty) : view.put("kind", "text").put("text", text);
  }

  /** A one-line preview for the entry list: at most {@code chars} characters, binary as a byte count. */
  static String preview(Buffer value, int chars) {
    if (value == null) {
      return null;
    }
    String text = utf8(value.getBytes(0, Math.min(value.length(), chars * 4)), 3);
    if (text == null || hasControl(text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' '))) {
      return "binary, " + value.length() + " bytes";
    }
    String line = text.replaceAll("\\s+", " ");
    return line.length() > chars ? line.substring(0, chars) + "…" : line;
  }

  private static String utf8(byte[] bytes) {
    return utf8(bytes, 0);
  }

  /** The bytes as UTF-8, allowing up to {@code cut} bytes of an incomplete character at the end; null if not. */
  private static String utf8(byte[] bytes, int cut) {
    for (int drop = 0; drop <= Math.min(cut, bytes.length); drop++) {
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, bytes.length - drop)).toString();
      } catch (CharacterCodingException e) {
        // try without one more trailing byte
      }
    }
    return null;
  }

  /** Control characters other than tab and line ends (NUL, ESC, DEL...) mean bytes, not text. */
  private static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static String prettyJson(String text, String contentType) {
    String t = text.strip();
    boolean declared = contentType != null && contentType.contains("json");
    if (!declared && !(t.startsWith("{") || t.startsWith("["))) {
      return null;
    }
    try {
      Object parsed = Json.decodeValue(t);
      return parsed instanceof JsonObject || parsed instanceof io.vertx.core.json.JsonArray || declared
          ? Json.CODEC.toString(parsed, true) : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  /** Offset, 16 bytes in hex, and the printable ASCII of them, per row. */
  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int row = 0; row < bytes.length; row += HEX_ROW) {
      out.append(String.format("%08x ", row));
      StringBuilder ascii = new StringBuilder();
      for (int i = row; i < row + HEX_ROW; i++) {
        if (i < bytes.length) {
          int b = bytes[i] & 0xff;
          out.append(String.format(" %02x", b));
          ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        } else {
          out.append("   ");
        }
      }
      out.append("  |").append(ascii).append("|\n");
    }
    return out.toString();
  }
}
