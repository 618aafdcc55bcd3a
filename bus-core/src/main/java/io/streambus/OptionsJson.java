package io.streambus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an options object from JSON with its generated converter, one field at a time, so that a field the converter
 * refuses (an enum constant it does not know) or silently skips (a value of the wrong type, a name no option has) is
 * reported as an {@link OptionException} naming it, instead of being thrown as a bare exception or ignored.
 */
final class OptionsJson {
  /** The generated {@code fromJson} of one options type. */
  interface Converter<T> {
    void fromJson(Iterable<Map.Entry<String, Object>> json, T options);
  }

  private OptionsJson() {
  }

  /**
   * Applies every field of {@code json} to {@code options}. Enum constants are accepted in any case.
   *
   * @param path the options' path, for the field names in errors ("" at the top)
   */
  static <T> void read(String path, JsonObject json, T options, Converter<T> converter) {
    for (Map.Entry<String, Object> field : json) {
      if (field.getValue() == null) {
        continue;
      }
      try {
        converter.fromJson(List.of(field), options);
      } catch (OptionException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        if (!(field.getValue() instanceof String s)) {
          throw refused(path, field, e);
        }
        try {
          converter.fromJson(List.of(Map.entry(field.getKey(), s.toUpperCase(Locale.ROOT))), options);
        } catch (RuntimeException again) {
          throw refused(path, field, e);
        }
      } catch (RuntimeException e) {
        throw refused(path, field, e);
      }
    }
  }

  /**
   * Checks that every field of {@code json} was taken: it is in {@code written} (the options' JSON after reading)
   * with the same value. A field that is not there has no option of that name; one whose value differs had a type
   * the converter skipped.
   */
  static void verify(String path, JsonObject json, JsonObject written) {
    for (Map.Entry<String, Object> field : json) {
      if (field.getValue() == null) {
        continue;
      }
      String name = path + field.getKey();
      if (!written.containsKey(field.getKey())) {
        throw new OptionException(name, name + " is not an option (the options are " + written.fieldNames() + ")");
      }
      if (!same(field.getValue(), written.getValue(field.getKey()))) {
        throw new OptionException(name, name + " must be " + kind(written.getValue(field.getKey())) + ", was "
            + describe(field.getValue()));
      }
    }
  }

  private static boolean same(Object given, Object taken) {
    if (given instanceof Number a && taken instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    if (given instanceof String a && taken instanceof String b) {
      return a.equalsIgnoreCase(b);
    }
    if (given instanceof JsonObject a && taken instanceof JsonObject b) {
      // every given entry was taken; a nested options object fills in the rest with its defaults
      return a.fieldNames().stream().allMatch(k -> a.getValue(k) == null || (b.containsKey(k)
          && same(a.getValue(k), b.getValue(k))));
    }
    if (given instanceof JsonArray a && taken instanceof JsonArray b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.getValue(i), b.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return given.equals(taken);
  }

  private static String kind(Object taken) {
    if (taken instanceof Number) {
      return "a number";
    }
    if (taken instanceof Boolean) {
      return "true or false";
    }
    if (taken instanceof JsonObject) {
      return "an object whose values are each " + (((JsonObject) taken).isEmpty() ? "of the option's type"
          : kind(((JsonObject) taken).iterator().next().getValue()));
    }
    if (taken instanceof JsonArray) {
      return "a list";
    }
    return "a string";
  }

  private static String describe(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  private static OptionException refused(String path, Map.Entry<String, Object> field, RuntimeException e) {
    String name = path + field.getKey();
    return new OptionException(name, name + " cannot be " + describe(field.getValue()) + ": "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
  }
}
