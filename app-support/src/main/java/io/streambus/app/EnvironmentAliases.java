package io.streambus.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Older names of settings that a process still reads from the environment, each standing for one canonical
 * {@code BUS_*} name (the dashboard's {@code DASHBOARD_PORT} for {@code BUS_HTTP_PORT}, for example). {@link
 * ConfigLoader} takes only {@code BUS_*} names from the environment; {@link #apply} gives it an environment in which
 * every alias that is set appears under its canonical name. Immutable.
 */
public final class EnvironmentAliases {
  /** No aliases: the environment as it is. */
  public static final EnvironmentAliases NONE = new EnvironmentAliases(Map.of());

  private final Map<String, String> canonicalByAlias;

  /**
   * @param canonicalByAlias alias → canonical {@code BUS_*} name; no canonical name may have two aliases
   */
  public EnvironmentAliases(Map<String, String> canonicalByAlias) {
    this.canonicalByAlias = Map.copyOf(canonicalByAlias);
    if (invert(this.canonicalByAlias).size() != this.canonicalByAlias.size()) {
      throw new IllegalArgumentException("a canonical name with two aliases: " + canonicalByAlias);
    }
  }

  /** Alias → canonical name. */
  public Map<String, String> names() {
    return canonicalByAlias;
  }

  /**
   * {@code env} with the value of every alias that is set (not blank) also under its canonical name.
   *
   * @throws ConfigException naming both when an alias and its canonical name are set to different values: which one
   *     the operator meant cannot be told
   */
  public Map<String, String> apply(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>(env);
    canonicalByAlias.forEach((alias, canonical) -> {
      String old = env.get(alias);
      if (old == null || old.isBlank()) {
        return;
      }
      String current = env.get(canonical);
      if (current != null && !current.isBlank() && !current.trim().equals(old.trim())) {
        throw new ConfigException(canonical, alias + " ('" + old + "') and " + canonical + " ('" + current
            + "') are one setting, set to different values: set only " + canonical + " (" + alias
            + " is its older name)");
      }
      out.put(canonical, old);
    });
    return out;
  }

  /**
   * {@code e} as is, or, when the setting it names was set in {@code env} under an alias only, with a message that
   * says so (the operator looks for the name they wrote).
   */
  public ConfigException explain(ConfigException e, Map<String, String> env) {
    String alias = invert(canonicalByAlias).get(e.setting());
    if (alias == null || !isSet(env, alias) || isSet(env, e.setting())) {
      return e;
    }
    return new ConfigException(e.setting(), e.getMessage() + " (set as " + alias + ", its older name)", e);
  }

  private static boolean isSet(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  private static Map<String, String> invert(Map<String, String> map) {
    Map<String, String> inverted = new LinkedHashMap<>();
    map.forEach((k, v) -> inverted.put(Objects.requireNonNull(v), k));
    return inverted;
  }
}
