package io.streambus.dashboard.impl;

import io.streambus.admin.StreamEntry;

/**
 * What the stream browser keeps: entries with this key, with this header (any value when {@code headerValue} is
 * null), stored at or after {@code sinceMs} and at or before {@code untilMs} (epoch millis; null: unbounded).
 */
record EntryFilter(String key, String headerName, String headerValue, Long sinceMs, Long untilMs) {

  static final EntryFilter NONE = new EntryFilter(null, null, null, null, null);

  /** Whether only the time bounds apply: then every entry read within them is a match. */
  boolean timeOnly() {
    return key == null && headerName == null;
  }

  boolean matches(StreamEntry e) {
    if (key != null && !key.equals(e.key())) {
      return false;
    }
    if (headerName != null) {
      String value = e.headers().get(headerName);
      return value != null && (headerValue == null || headerValue.equals(value));
    }
    return true;
  }
}
