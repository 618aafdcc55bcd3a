package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.OptionException;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.ConfigException;
import io.streambus.app.ConfigLoader;
import io.streambus.app.EnvironmentAliases;
import io.streambus.app.HttpConfig;
import io.streambus.app.Settings;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fat-jar's configuration, read like every Streambus process's ({@link ConfigLoader}: defaults, the
 * {@code BUS_CONFIG} / {@code --config} file, then the {@code BUS_*} environment): where Redis is and how to reach
 * it is {@link BusConfig} (the producers' and consumers' settings: {@code BUS_REDIS_URL} with one or more seeds,
 * {@code BUS_REDIS_TOPOLOGY}, {@code BUS_REDIS_SENTINEL_MASTER}, {@code BUS_TLS_*}, user and password in the URL,
 * {@code BUS_KEY_PREFIX}); its HTTP server is {@link HttpConfig} ({@code BUS_HTTP_HOST}, {@code BUS_HTTP_PORT},
 * {@code BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS}), but bound to {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT} by default;
 * and its own:
 *
 * <table>
 *   <caption>The dashboard's own settings</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@value #TOKEN}</td><td>none</td><td>enables replay/delete/purge with this token</td></tr>
 *   <tr><td>{@value #READ_TOKEN}</td><td>none</td><td>requires this token for reading too</td></tr>
 *   <tr><td>{@value #SAMPLE_MS}</td><td>{@code 1000}</td><td>sampling interval</td></tr>
 * </table>
 *
 * <p>The names of earlier versions are still read from the environment ({@link #ALIASES}): {@code DASHBOARD_HOST},
 * {@code DASHBOARD_PORT}, {@code DASHBOARD_TOKEN}, {@code DASHBOARD_READ_TOKEN}, {@code DASHBOARD_SAMPLE_MS}.
 *
 * @param bus where the bus is (not used by {@link DashboardVerticle} when it is given a bus)
 * @param dashboard sampling and access
 * @param http where the HTTP server listens and how long a request head may take
 */
public record DashboardConfig(BusOptions bus, DashboardOptions dashboard, HttpConfig http) {
  /** Default bind address: {@value} (loopback: exposing the dashboard is a decision). */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port: {@value}. */
  public static final int DEFAULT_PORT = 8080;
  /** Setting: the mutation token ({@link DashboardOptions#setMutationToken}). */
  public static final String TOKEN = "BUS_DASHBOARD_TOKEN";
  /** Setting: the read token ({@link DashboardOptions#setReadToken}). */
  public static final String READ_TOKEN = "BUS_DASHBOARD_READ_TOKEN";
  /** Setting: the sampling interval in ms ({@link DashboardOptions#setSampleIntervalMs}). */
  public static final String SAMPLE_MS = "BUS_DASHBOARD_SAMPLE_MS";
  /** The environment names of earlier versions, each for its setting of today. */
  public static final EnvironmentAliases ALIASES = new EnvironmentAliases(Map.of(
      "DASHBOARD_HOST", HttpConfig.HOST, "DASHBOARD_PORT", HttpConfig.PORT, "DASHBOARD_TOKEN", TOKEN,
      "DASHBOARD_READ_TOKEN", READ_TOKEN, "DASHBOARD_SAMPLE_MS", SAMPLE_MS));

  /** DashboardOptions' fields ({@link OptionException#field()}) → the setting that feeds each. */
  private static final Map<String, String> FIELD_TO_SETTING = Map.of("sampleIntervalMs", SAMPLE_MS,
      "historySeconds", SAMPLE_MS, "mutationToken", TOKEN, "readToken", READ_TOKEN);

  /** Listening on {@code host:port} with the default request-head timeout. */
  public DashboardConfig(BusOptions bus, DashboardOptions dashboard, String host, int port) {
    this(bus, dashboard, new HttpConfig(host, port));
  }

  /** The address the HTTP server binds. */
  public String host() {
    return http.host();
  }

  /** The port it binds, 0 for any free port. */
  public int port() {
    return http.port();
  }

  /** Every setting the dashboard reads (its aliases are read as these). */
  public static Set<String> settingNames() {
    Set<String> names = new HashSet<>(BusConfig.NAMES);
    names.addAll(HttpConfig.NAMES);
    names.addAll(Set.of(TOKEN, READ_TOKEN, SAMPLE_MS, AppRunner.SHUTDOWN_TIMEOUT_MS, "BUS_LOG_LEVEL",
        "BUS_LOG_FORMAT"));
    return names;
  }

  /**
   * Reads and validates the settings.
   *
   * @throws ConfigException naming the first invalid setting
   */
  public static DashboardConfig from(Settings s) {
    BusOptions bus = BusConfig.busOptions(s);
    HttpConfig defaults = HttpConfig.from(s, DEFAULT_PORT);
    // HttpConfig's own default host is every interface, right for the ingest API but not for this page
    HttpConfig http = new HttpConfig(s.string(HttpConfig.HOST, DEFAULT_HOST), defaults.port(),
        defaults.requestHeadTimeoutMs());
    DashboardOptions dashboard = new DashboardOptions()
        .setSampleIntervalMs(s.longValue(SAMPLE_MS, DashboardOptions.DEFAULT_SAMPLE_INTERVAL_MS,
            DashboardOptions.SAMPLE_INTERVAL_MS))
        .setMutationToken(s.string(TOKEN, null))
        .setReadToken(s.string(READ_TOKEN, null));
    try {
      dashboard.validate();
    } catch (OptionException e) {
      throw ConfigException.ofOption(e, FIELD_TO_SETTING);
    }
    return new DashboardConfig(bus, dashboard, http);
  }

  /**
   * The settings from the environment alone ({@code BUS_*} names and {@link #ALIASES}), for a {@code Main-Verticle}
   * launcher; {@link DashboardMain} reads the configuration file too.
   *
   * @throws ConfigException naming the first invalid setting, or {@value ConfigLoader#CONFIG_ENV} when it is set
   *     (the file is read by {@link DashboardMain})
   */
  public static DashboardConfig fromEnv(Map<String, String> env) {
    if (env.get(ConfigLoader.CONFIG_ENV) != null && !env.get(ConfigLoader.CONFIG_ENV).isBlank()) {
      throw new ConfigException(ConfigLoader.CONFIG_ENV, ConfigLoader.CONFIG_ENV
          + " is read by the jar's main (java -jar streambus-dashboard.jar), not by DashboardConfig.fromEnv");
    }
    try {
      Map<String, String> busSettings = new LinkedHashMap<>();
      ALIASES.apply(env).forEach((k, v) -> {
        if (k.startsWith("BUS_")) {
          busSettings.put(k, v);
        }
      });
      return from(Settings.of(busSettings));
    } catch (ConfigException e) {
      throw ALIASES.explain(e, env);
    }
  }
}
