package io.streambus.cli;

import io.streambus.admin.StreamEntry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --key} and {@code --header name=value} filters on entries: an entry matches when it has them all. */
final class EntryFilter {
  private final String key;
  private final Map<String, String> headers;

  EntryFilter(String key, List<String> headers) {
    this.key = key;
    this.headers = Headers.parse(headers, "--header");
  }

  boolean matches(StreamEntry e) {
    if (key != null && !key.equals(e.key())) {
      return false;
    }
    Map<String, String> h = e.headers();
    return headers.entrySet().stream().allMatch(x -> x.getValue().equals(h.get(x.getKey())));
  }

  /** {@code name=value} options. */
  static final class Headers {
    private Headers() {
    }

    /** @throws IllegalArgumentException naming the option and the value without {@code =} */
    static Map<String, String> parse(List<String> items, String option) {
      Map<String, String> map = new LinkedHashMap<>();
      if (items == null) {
        return map;
      }
      for (String item : items) {
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(option + " must be name=value, was '" + item + "'");
        }
        map.put(item.substring(0, eq), item.substring(eq + 1));
      }
      return map;
    }
  }
}
