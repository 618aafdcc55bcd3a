package io.streambus.app;

/**
 * What can travel as an HTTP header, checked where a message enters (the ingest) and where it leaves (the consumers'
 * {@code http} handler). A message's key and headers are plain strings in Redis, but the {@code http} handler sends
 * them on as {@code X-Bus-Key} and {@code X-Bus-Header-<name>}: a value with a line break or another control character
 * (RFC 9110 section 5.5), or a name that is not a token (section 5.6.2), can never be sent, however often it is tried.
 */
public final class HeaderText {
  private HeaderText() {
  }

  /**
   * Where {@code value} holds a character an HTTP field value may not hold (CR, LF, NUL, another control character
   * but horizontal tab, DEL), or -1 when it holds none. Characters above DEL are allowed (obs-text).
   */
  public static int badValueChar(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code name} is an HTTP token: 1 or more of the visible ASCII characters but delimiters. */
  public static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why {@code value} cannot be sent as {@code what}, or null when it can: names the character and its position,
   * e.g. {@code key holds a line feed (LF) at index 3}.
   */
  public static String valueProblem(String what, String value) {
    int at = badValueChar(value);
    return at < 0 ? null : what + " holds " + describe(value.charAt(at)) + " at index " + at
        + ", which an HTTP header cannot carry";
  }

  private static String describe(char c) {
    return switch (c) {
      case '\r' -> "a carriage return (CR)";
      case '\n' -> "a line feed (LF)";
      case 0 -> "a NUL character";
      default -> String.format("the control character U+%04X", (int) c);
    };
  }
}
