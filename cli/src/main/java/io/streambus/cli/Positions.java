package io.streambus.cli;

import io.streambus.admin.ResetPosition;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The positions a person types: {@code earliest}, {@code latest}, an entry id ({@code 1733600000000-0}), a time
 * ({@code 2026-12-07T10:00:00Z}) or a time relative to now ({@code -15m}, {@code -2h}, {@code -1d}).
 */
final class Positions {
  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,19}-\\d{1,20}");
  private static final Pattern RELATIVE = Pattern.compile("-(\\d+)(ms|s|m|h|d)");

  private Positions() {
  }

  /** A reset target. @throws IllegalArgumentException naming what was wrong */
  static ResetPosition reset(String text, Instant now) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("earliest") || t.equals("beginning")) {
      return ResetPosition.earliest();
    }
    if (t.equals("latest") || t.equals("end")) {
      return ResetPosition.latest();
    }
    if (ENTRY_ID.matcher(t).matches()) {
      return ResetPosition.afterId(t);
    }
    return ResetPosition.atTime(time(text, now, "--to"));
  }

  /** An instant from an ISO-8601 time or a relative one. @throws IllegalArgumentException naming the option */
  static Instant time(String text, Instant now, String option) {
    Matcher m = RELATIVE.matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return now.minus(d).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " must be earliest, latest, an entry id (1733600000000-0), an"
          + " ISO-8601 time (2026-12-07T10:00:00Z) or a time before now (-15m, -2h, -1d), was '" + text + "'");
    }
  }

  static boolean isEntryId(String text) {
    return ENTRY_ID.matcher(text).matches();
  }

  /** The largest id before {@code id}: reading after it starts with {@code id} itself. */
  static String before(String id) {
    int dash = id.indexOf('-');
    long ms = Long.parseLong(id.substring(0, dash));
    String seq = id.substring(dash + 1);
    if (!seq.matches("0+")) {
      return ms + "-" + new java.math.BigInteger(seq).subtract(java.math.BigInteger.ONE);
    }
    return ms == 0 ? "0-0" : (ms - 1) + "-18446744073709551615";
  }
}
