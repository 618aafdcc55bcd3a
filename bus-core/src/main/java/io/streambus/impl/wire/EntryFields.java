package io.streambus.impl.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An entry's fields as an unmodifiable map over the reply array {@code [f1, v1, f2, v2, ...]} itself. {@link #get}
 * and {@link #containsKey} of an ASCII name compare the name's bytes in place; only a call that needs the whole map
 * (iteration, size) decodes every name into a map, once.
 * <p>
 * Why: decoding every field name of every delivered entry into a {@code String} and a {@code LinkedHashMap}, before a
 * handler asked for anything but the payload, was a sixth of a consuming event loop's samples (docs/benchmarks.md).
 * <p>
 * As a map built pair by pair would have it: a pair whose name is nil is left out, a nil value reads as an empty
 * buffer, and of two pairs with one name the later wins. Thread-safe to read: the reply is not changed after parsing,
 * and the decoded map is published through a volatile field (two threads may both build it; equal maps).
 */
final class EntryFields extends AbstractMap<String, Buffer> {
  private final Response array;
  private volatile Map<String, Buffer> decoded;

  EntryFields(Response array) {
    this.array = array;
  }

  @Override
  public Buffer get(Object name) {
    Map<String, Buffer> m = decoded;
    if (m != null || !(name instanceof String s) || !isAscii(s)) {
      return all().get(name);
    }
    int n = array.size();
    // the later of two pairs with one name wins, so from the end
    for (int i = (n & ~1) - 2; i >= 0; i -= 2) {
      Response f = array.get(i);
      if (f != null && sameName(f.toBuffer(), s)) {
        Response v = array.get(i + 1);
        return v == null ? Buffer.buffer() : v.toBuffer();
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object name) {
    return get(name) != null;
  }

  @Override
  public boolean isEmpty() {
    Map<String, Buffer> m = decoded;
    if (m != null) {
      return m.isEmpty();
    }
    for (int i = 0; i + 1 < array.size(); i += 2) {
      if (array.get(i) != null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Set<Entry<String, Buffer>> entrySet() {
    return all().entrySet();
  }

  private Map<String, Buffer> all() {
    Map<String, Buffer> m = decoded;
    if (m == null) {
      Map<String, Buffer> built = new LinkedHashMap<>();
      int n = array.size();
      for (int i = 0; i + 1 < n; i += 2) {
        Response f = array.get(i);
        if (f != null) {
          Response v = array.get(i + 1);
          built.put(f.toString(), v == null ? Buffer.buffer() : v.toBuffer());
        }
      }
      m = Collections.unmodifiableMap(built);
      decoded = m;
    }
    return m;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code b} holds the UTF-8 bytes of {@code ascii}, a name of ASCII characters only. */
  private static boolean sameName(Buffer b, String ascii) {
    int len = ascii.length();
    if (b.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b.getByte(i) != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
