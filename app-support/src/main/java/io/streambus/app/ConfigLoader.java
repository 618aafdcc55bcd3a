package io.streambus.app;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a process's {@link Settings} in three layers, each overriding the one before: the application's defaults,
 * an optional file, and the environment variables whose names start with {@code BUS_}.
 *
 * <p>The file is named by the argument {@code --config <path>} (or {@code --config=<path>}), else by the environment
 * variable {@value #CONFIG_ENV}. It is JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}), read with
 * vertx-config. Its keys may be written as {@code BUS_REDIS_URL}, {@code redis_url} or {@code redis.url}; nested
 * objects are flattened with {@code _} ({@code redis: {url: ...}} is {@code BUS_REDIS_URL}). See
 * {@link Settings#canonicalName(String)}.
 */
public final class ConfigLoader {
  /** Environment variable naming the configuration file: {@value}. */
  public static final String CONFIG_ENV = "BUS_CONFIG";

  private ConfigLoader() {
  }

  /**
   * @param args the process arguments; only {@code --config} is accepted
   * @param env the environment (normally {@link System#getenv()})
   * @param defaults canonical name → default value
   * @return the merged settings, or a failed future with a {@link ConfigException}
   */
  public static Future<Settings> load(Vertx vertx, List<String> args, Map<String, String> env,
                                      Map<String, ?> defaults) {
    try {
      Path file = configFile(args, env);
      Future<JsonObject> fromFile = file == null ? Future.succeededFuture(new JsonObject()) : readFile(vertx, file);
      return fromFile.map(fileValues -> {
        JsonObject merged = Settings.of(defaults).json();
        merged.mergeIn(fileValues);
        env.forEach((k, v) -> {
          if (k.startsWith("BUS_") && !k.equals(CONFIG_ENV)) {
            merged.put(k, v);
          }
        });
        return new Settings(merged);
      });
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
  }

  static Path configFile(List<String> args, Map<String, String> env) {
    String path = env.get(CONFIG_ENV);
    String source = CONFIG_ENV;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--config") && i + 1 < args.size()) {
        path = args.get(++i);
        source = "--config";
      } else if (arg.startsWith("--config=")) {
        path = arg.substring("--config=".length());
        source = "--config";
      } else {
        throw new ConfigException(null, "unknown argument '" + arg + "'; the only argument is --config <file>,"
            + " everything else is set with BUS_* environment variables or in that file");
      }
    }
    if (path == null || path.isBlank()) {
      return null;
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ConfigException(CONFIG_ENV, source + ": cannot read configuration file '" + path + "'");
    }
    return file;
  }

  private static Future<JsonObject> readFile(Vertx vertx, Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String format = name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : name.endsWith(".json") ? "json" : null;
    if (format == null) {
      return Future.failedFuture(new ConfigException(CONFIG_ENV,
          "configuration file '" + file + "' must end with .json, .yaml or .yml"));
    }
    ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat(format)
        .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setIncludeDefaultStores(false).addStore(store).setScanPeriod(0));
    return retriever.getConfig()
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        })
        .map(ConfigLoader::flatten)
        .recover(e -> Future.failedFuture(e instanceof ConfigException ? e : new ConfigException(CONFIG_ENV,
            "cannot parse configuration file '" + file + "': " + e.getMessage(), e)));
  }

  /** Canonical names for every leaf; nested objects become {@code PARENT_CHILD}. */
  static JsonObject flatten(JsonObject source) {
    JsonObject flat = new JsonObject();
    flattenInto(flat, "", source);
    return flat;
  }

  private static void flattenInto(JsonObject flat, String prefix, JsonObject source) {
    source.forEach(e -> {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "_" + e.getKey();
      if (e.getValue() instanceof JsonObject nested && !nested.isEmpty() && !isMapSetting(key)) {
        flattenInto(flat, key, nested);
      } else {
        flat.put(Settings.canonicalName(key), e.getValue());
      }
    });
  }

  /** Settings whose value is itself a map (e.g. per-topic partitions) must not be flattened. */
  private static boolean isMapSetting(String key) {
    return Settings.canonicalName(key).equals(BusConfig.TOPIC_PARTITIONS);
  }
}
