package io.streambus.cli;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * How values look in tables: times, durations, and payloads shown safely whatever their bytes (JSON pretty-printed,
 * text with control characters escaped, anything that is not UTF-8 as hex).
 */
final class Render {
  private Render() {
  }

  static String time(long epochMs) {
    return epochMs <= 0 ? "-" : Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** 850ms, 12.3s, 4m05s, 2h10m, 3d04h. */
  static String duration(long ms) {
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return String.format("%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format("%dd%02dh", s / 86_400, (s % 86_400) / 3600);
  }

  /** The text of {@code bytes} when they are valid UTF-8, else null. */
  static String utf8(Buffer bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.getBytes())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Control characters (newlines too) as escapes, so that one value stays on one line and the terminal is safe. */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\\') {
        b.append("\\\\");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }

  /** A payload on one line, cut to {@code max} characters: escaped text, or {@code hex:...} for other bytes. */
  static String oneLine(Buffer payload, int max) {
    if (payload == null) {
      return "-";
    }
    String text = utf8(payload);
    String shown = text != null ? escape(text) : "hex:" + HexFormat.of().formatHex(payload.getBytes(0,
        Math.min(payload.length(), max)));
    return shown.length() > max ? shown.substring(0, max - 3) + "..." : shown;
  }

  /** A payload in full: JSON pretty-printed when it parses, else escaped text, else a hex dump. */
  static String full(Buffer payload, String contentType) {
    if (payload == null) {
      return "(no payload)";
    }
    String text = utf8(payload);
    if (text == null) {
      return hexDump(payload);
    }
    if (contentType != null && contentType.startsWith("application/json")) {
      try {
        Object value = Json.decodeValue(payload);
        if (value instanceof JsonObject o) {
          return o.encodePrettily();
        }
        if (value instanceof JsonArray a) {
          return a.encodePrettily();
        }
        return String.valueOf(value);
      } catch (RuntimeException e) {
        // not JSON after all: shown as text
      }
    }
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(escape(line));
    }
    return b.toString();
  }

  /** 16 bytes a line: offset, hex, and the printable ASCII characters. */
  static String hexDump(Buffer bytes) {
    StringBuilder b = new StringBuilder();
    byte[] all = bytes.getBytes();
    for (int off = 0; off < all.length; off += 16) {
      StringBuilder ascii = new StringBuilder();
      b.append(String.format("%08x ", off));
      for (int i = off; i < off + 16; i++) {
        if (i < all.length) {
          b.append(String.format(" %02x", all[i] & 0xff));
          char c = (char) (all[i] & 0xff);
          ascii.append(c >= 0x20 && c < 0x7f ? c : '.');
        } else {
          b.append("   ");
        }
      }
      b.append("  ").append(ascii).append('\n');
    }
    return b.toString().stripTrailing();
  }
}
