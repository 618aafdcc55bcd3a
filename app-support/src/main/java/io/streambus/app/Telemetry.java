package io.streambus.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.vertx.core.Vertx;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tracing of a Streambus process, configured by the standard OpenTelemetry settings: {@code OTEL_*} environment
 * variables (or {@code otel.*} system properties), read by the SDK's autoconfigure module ({@code
 * OTEL_SERVICE_NAME}, {@code OTEL_TRACES_EXPORTER} = {@code otlp} / {@code console} / {@code none}, {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_TRACES_SAMPLER}, {@code
 * OTEL_PROPAGATORS}, ...).
 *
 * <p>Tracing is on when at least one such setting is present and {@code OTEL_SDK_DISABLED} is not {@code true}; with
 * none, nothing is configured and the process pays nothing. When on, the SDK is registered as the
 * {@link GlobalOpenTelemetry} (the bus traces with it) and {@link #createVertx()} gives a Vert.x whose HTTP servers
 * and clients make spans too. Only traces: {@code OTEL_METRICS_EXPORTER} and {@code OTEL_LOGS_EXPORTER} default to
 * {@code none} here (metrics are Prometheus at {@code /metrics}, logs go to the console), unless set. An
 * OpenTelemetry already registered (a Java agent's) is used as it is.
 *
 * <p>An invalid setting (an unknown exporter or sampler, a malformed endpoint) fails {@link #fromEnvironment} with a
 * {@link ConfigException} naming it, before anything starts.
 */
public final class Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
  private static final Pattern PROPERTY = Pattern.compile("otel\\.[a-z0-9._-]*[a-z0-9]");
  /** Defaults below the operator's settings: this process exports traces only. */
  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none");
  private static final long FLUSH_TIMEOUT_MS = 5_000;

  private final boolean enabled;
  private final OpenTelemetry openTelemetry;
  /** The SDK this process built and must flush at exit; null when off or when one was registered already. */
  private final OpenTelemetrySdk sdk;

  private Telemetry(boolean enabled, OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.enabled = enabled;
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  /** Tracing off: the API's no-op, a plain Vert.x. */
  public static Telemetry off() {
    return new Telemetry(false, OpenTelemetry.noop(), null);
  }

  /**
   * Tracing with an OpenTelemetry built by the caller (a test's in-memory exporter, an embedding application's SDK);
   * it is neither registered as the global one nor closed by {@link #close()}.
   */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(openTelemetry.getTracerProvider() != OpenTelemetry.noop().getTracerProvider(), openTelemetry,
        null);
  }

  /**
   * Configures tracing from {@code env} (the process environment in production) and the {@code otel.*} system
   * properties, which win as in the SDK.
   *
   * @throws ConfigException naming the setting the SDK refused
   */
  public static Telemetry fromEnvironment(Map<String, String> env) {
    Map<String, String> settings = settings(env);
    if (settings.isEmpty() || "true".equalsIgnoreCase(settings.get("otel.sdk.disabled"))) {
      return off();
    }
    if (GlobalOpenTelemetry.isSet()) {
      LOG.info("tracing with the OpenTelemetry already registered in this JVM");
      return new Telemetry(true, GlobalOpenTelemetry.get(), null);
    }
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> DEFAULTS)
          // what was read from env wins, so that the settings given here are the ones used (tests pass their own)
          .addPropertiesCustomizer(config -> settings)
          // closed by the process after its drain (close()): a hook of the SDK's own would race the runner's exit
          .disableShutdownHook()
          .setResultAsGlobal()
          .build()
          .getOpenTelemetrySdk();
    } catch (ConfigurationException e) {
      throw invalid(e, settings);
    }
    LOG.info("tracing on: {}", describe(settings));
    return new Telemetry(true, sdk, sdk);
  }

  /** True when spans are made. */
  public boolean enabled() {
    return enabled;
  }

  /** What spans are made with: the SDK (registered as the global one), or the API's no-op when off. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * A Vert.x instance; with tracing on, Vert.x's OpenTelemetry tracer makes HTTP server spans (for requests that
   * carry a trace context: {@link HttpConfig}) and HTTP client spans (inside a traced delivery), and passes the trace
   * context on in {@code traceparent}.
   */
  public Vertx createVertx() {
    DnsCache.configureJvm();
    if (!enabled) {
      return Vertx.vertx(DnsCache.vertxOptions());
    }
    return Vertx.builder().with(DnsCache.vertxOptions()).withTracer(new OpenTelemetryTracingFactory(openTelemetry))
        .build();
  }

  /** Exports the spans still buffered and stops the SDK this process built; waits {@value #FLUSH_TIMEOUT_MS} ms. */
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** {@code OTEL_FOO_BAR} of env as {@code otel.foo.bar}, then the {@code otel.*} system properties. */
  static Map<String, String> settings(Map<String, String> env) {
    Map<String, String> settings = new TreeMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        settings.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("otel."))
        .forEach(n -> settings.put(n, System.getProperty(n)));
    return settings;
  }

  /**
   * Names the setting at fault: the SDK's message names the property ("Unrecognized value for otel.traces.sampler:
   * ...") or quotes the value ("OTLP endpoint must be a valid URL: ..."), not both.
   */
  private static ConfigException invalid(ConfigurationException e, Map<String, String> settings) {
    String message = String.valueOf(e.getMessage());
    Matcher m = PROPERTY.matcher(message);
    String property = m.find() ? m.group() : null;
    if (property == null) {
      List<String> quoted = settings.entrySet().stream()
          .filter(s -> !s.getValue().isBlank() && message.contains(s.getValue())).map(Map.Entry::getKey).toList();
      property = quoted.size() == 1 ? quoted.get(0) : null;
    }
    if (property == null) {
      return new ConfigException(null, "invalid OpenTelemetry configuration (OTEL_*): " + message, e);
    }
    String setting = property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return new ConfigException(setting, setting + " is invalid: " + message, e);
  }

  /** The settings for the start-up log, without header values (OTEL_EXPORTER_OTLP_HEADERS may carry credentials). */
  private static String describe(Map<String, String> settings) {
    Map<String, String> shown = new TreeMap<>();
    settings.forEach((k, v) -> shown.put(k, k.contains("headers") ? "(set)" : v));
    return shown.toString();
  }
}
