package io.streambus.dashboard;

import io.streambus.BusOptions;

import java.util.Map;

/**
 * The fat-jar's configuration, read from environment variables:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 *   <tr><td>{@code BUS_REDIS_URL}</td><td>{@code redis://127.0.0.1:6379}</td><td>Redis to watch</td></tr>
 *   <tr><td>{@code BUS_KEY_PREFIX}</td><td>{@code bus}</td><td>key prefix of the bus</td></tr>
 *   <tr><td>{@code DASHBOARD_HOST}</td><td>{@code 127.0.0.1}</td><td>address to bind</td></tr>
 *   <tr><td>{@code DASHBOARD_PORT}</td><td>{@code 8080}</td><td>port to bind (0: any free port)</td></tr>
 *   <tr><td>{@code DASHBOARD_TOKEN}</td><td>none</td><td>enables replay/delete/purge with this token</td></tr>
 *   <tr><td>{@code DASHBOARD_READ_TOKEN}</td><td>none</td><td>requires this token for reading too</td></tr>
 *   <tr><td>{@code DASHBOARD_SAMPLE_MS}</td><td>{@code 1000}</td><td>sampling interval</td></tr>
 * </table>
 *
 * @param host the address the HTTP server binds
 * @param port the port it binds, 0 for any free port
 */
public record DashboardConfig(BusOptions bus, DashboardOptions dashboard, String host, int port) {
  /** Default bind address: {@value} (loopback: exposing the dashboard is a decision). */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port: {@value}. */
  public static final int DEFAULT_PORT = 8080;

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException whose message starts with the name of the first invalid variable
   */
  public static DashboardConfig fromEnv(Map<String, String> env) {
    BusOptions bus = new BusOptions()
        .setConnectionString(env.getOrDefault("BUS_REDIS_URL", BusOptions.DEFAULT_CONNECTION_STRING))
        .setKeyPrefix(env.getOrDefault("BUS_KEY_PREFIX", BusOptions.DEFAULT_KEY_PREFIX));
    check("BUS_REDIS_URL or BUS_KEY_PREFIX", bus::validate);
    DashboardOptions dashboard = new DashboardOptions()
        .setSampleIntervalMs(integer(env, "DASHBOARD_SAMPLE_MS", DashboardOptions.DEFAULT_SAMPLE_INTERVAL_MS))
        .setMutationToken(blankToNull(env.get("DASHBOARD_TOKEN")))
        .setReadToken(blankToNull(env.get("DASHBOARD_READ_TOKEN")));
    check(null, dashboard::validate);
    String host = env.getOrDefault("DASHBOARD_HOST", DEFAULT_HOST);
    if (host.isBlank()) {
      throw new IllegalArgumentException("DASHBOARD_HOST must not be blank");
    }
    long port = integer(env, "DASHBOARD_PORT", DEFAULT_PORT);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("DASHBOARD_PORT must be in 0..65535, was " + port);
    }
    return new DashboardConfig(bus, dashboard, host, (int) port);
  }

  private static long integer(Map<String, String> env, String name, long defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Runs a validation and renames the options' field names to the variables an operator sets. */
  private static void check(String fallback, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage()
          .replace("connectionString", "BUS_REDIS_URL")
          .replace("keyPrefix", "BUS_KEY_PREFIX")
          .replace("sampleIntervalMs", "DASHBOARD_SAMPLE_MS")
          .replace("historySeconds", "DASHBOARD_SAMPLE_MS")
          .replace("mutationToken", "DASHBOARD_TOKEN")
          .replace("readToken", "DASHBOARD_READ_TOKEN");
      throw new IllegalArgumentException(message.equals(e.getMessage()) && fallback != null
          ? fallback + ": " + message : message, e);
    }
  }
}
