package io.streambus.app;

import io.streambus.OptionRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The merged configuration of a process, keyed by canonical setting names ({@code BUS_*}), with typed getters that
 * validate as they read. Values may be strings (from the environment) or JSON values (from a file); every getter
 * accepts both. Every getter throws {@link ConfigException} naming the setting when a value is present but invalid,
 * and returns the given default when it is absent or blank. Immutable.
 */
public final class Settings {
  private final JsonObject values;

  public Settings(JsonObject values) {
    this.values = values.copy();
  }

  /** Settings from canonical name → value pairs (tests, the demo). */
  public static Settings of(Map<String, ?> values) {
    JsonObject json = new JsonObject();
    values.forEach((k, v) -> json.put(canonicalName(k), v));
    return new Settings(json);
  }

  /**
   * The canonical name of a setting as written in a file: upper case, {@code .} and {@code -} as {@code _}, and the
   * {@code BUS_} prefix added when missing, so {@code redis.url}, {@code redis_url} and {@code BUS_REDIS_URL} are one
   * setting.
   */
  public static String canonicalName(String key) {
    String name = key.trim().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return name.startsWith("BUS_") ? name : "BUS_" + name;
  }

  /** A copy of the raw values. */
  public JsonObject json() {
    return values.copy();
  }

  /** These settings with {@code overrides} laid over them. */
  public Settings with(Map<String, ?> overrides) {
    JsonObject json = values.copy();
    overrides.forEach((k, v) -> json.put(canonicalName(k), v));
    return new Settings(json);
  }

  /** Names present that are not in {@code known}: most likely typos, which would otherwise be silently ignored. */
  public Set<String> unknown(Set<String> known) {
    Set<String> unknown = new TreeSet<>(values.fieldNames());
    unknown.removeAll(known);
    return unknown;
  }

  public boolean has(String name) {
    Object v = values.getValue(name);
    return v != null && !(v instanceof String s && s.isBlank());
  }

  public String string(String name, String def) {
    return has(name) ? String.valueOf(values.getValue(name)).trim() : def;
  }

  /** @throws ConfigException when the setting is absent */
  public String required(String name) {
    if (!has(name)) {
      throw new ConfigException(name, name + " is required");
    }
    return string(name, null);
  }

  /** An integer in the option's range (the library checks the same one), or {@code def} when absent. */
  public int integer(String name, int def, OptionRange range) {
    return (int) number(name, def, range.min(), Math.min(range.max(), Integer.MAX_VALUE), "an integer");
  }

  /** An integer in the option's range (the library checks the same one), or {@code def} when absent. */
  public long longValue(String name, long def, OptionRange range) {
    return number(name, def, range.min(), range.max(), "an integer");
  }

  /** A number in the option's range (the library checks the same one), or {@code def} when absent. */
  public double decimal(String name, double def, OptionRange range) {
    return decimal(name, def, range.min(), range.max());
  }

  public int integer(String name, int def, int min, int max) {
    return (int) number(name, def, min, max, "an integer");
  }

  public long longValue(String name, long def, long min, long max) {
    return number(name, def, min, max, "an integer");
  }

  private long number(String name, long def, long min, long max, String what) {
    if (!has(name)) {
      return def;
    }
    String raw = string(name, null);
    try {
      long value = Long.parseLong(raw.replace("_", ""));
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new ConfigException(name, name + " must be " + what + " " + min + ".." + max + ", was '" + raw + "'");
  }

  public double decimal(String name, double def, double min, double max) {
    if (!has(name)) {
      return def;
    }
    String raw = string(name, null);
    try {
      double value = Double.parseDouble(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new ConfigException(name, name + " must be a number " + min + ".." + max + ", was '" + raw + "'");
  }

  /** Accepts true/false, yes/no, on/off, 1/0 in any case. */
  public boolean bool(String name, boolean def) {
    if (!has(name)) {
      return def;
    }
    String raw = string(name, null);
    switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        throw new ConfigException(name, name + " must be true or false, was '" + raw + "'");
    }
  }

  /** A comma-separated string or a JSON/YAML list; blank items are dropped. */
  public List<String> list(String name, List<String> def) {
    if (!has(name)) {
      return def;
    }
    Object v = values.getValue(name);
    List<String> items = new ArrayList<>();
    if (v instanceof JsonArray array) {
      array.forEach(item -> items.add(String.valueOf(item).trim()));
    } else {
      items.addAll(Arrays.asList(String.valueOf(v).split(",")));
    }
    return items.stream().map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
  }

  /** One of the enum's constants, case-insensitive. */
  public <E extends Enum<E>> E choice(String name, Class<E> type, E def) {
    if (!has(name)) {
      return def;
    }
    String raw = string(name, null);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(raw)) {
        return constant;
      }
    }
    String allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
    throw new ConfigException(name, name + " must be one of " + allowed + ", was '" + raw + "'");
  }

  /** {@code a=1,b=2} (or a JSON/YAML object) as name → integer in {@code min..max}. */
  public Map<String, Integer> intMap(String name, int min, int max) {
    Map<String, Integer> result = new LinkedHashMap<>();
    if (!has(name)) {
      return result;
    }
    Object v = values.getValue(name);
    Map<String, Object> raw = new LinkedHashMap<>();
    if (v instanceof JsonObject object) {
      raw.putAll(object.getMap());
    } else {
      for (String item : list(name, List.of())) {
        String[] kv = item.split("=", 2);
        if (kv.length != 2) {
          throw new ConfigException(name, name + " must be name=value pairs separated by commas, was '" + v + "'");
        }
        raw.put(kv[0].trim(), kv[1].trim());
      }
    }
    raw.forEach((k, value) -> result.put(k, (int) Settings.of(Map.of(name, String.valueOf(value)))
        .number(name, 0, min, max, "name=integer pairs with integers")));
    return result;
  }

  /** The names only: values may hold passwords. */
  @Override
  public String toString() {
    return "Settings" + new TreeSet<>(values.fieldNames());
  }
}
