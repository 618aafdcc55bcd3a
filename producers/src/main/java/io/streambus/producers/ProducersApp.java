package io.streambus.producers;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.BusOptions;
import io.streambus.StreamBus;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.HttpConfig;
import io.streambus.app.Observability;
import io.streambus.app.OpsRoutes;
import io.streambus.app.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * The producers process: the HTTP ingest API (with the ops routes on the same port, {@value #DEFAULT_PORT} by
 * default) and, when configured, the load generator. Stopping closes the HTTP server first (intake), lets the load
 * generator's publishes finish, then closes the bus.
 */
public final class ProducersApp implements AppRunner.Application {
  public static final int DEFAULT_PORT = 8081;
  private static final Logger LOG = LoggerFactory.getLogger(ProducersApp.class);

  private final Vertx vertx;
  private final BusOptions busOptions;
  private final HttpConfig http;
  private final IngestConfig ingest;
  private final LoadGeneratorConfig loadGenerator;
  private final PrometheusMeterRegistry registry = Observability.prometheus();
  private StreamBus bus;
  private HttpIngestVerticle ingestVerticle;
  private LoadGeneratorVerticle generator;
  private volatile boolean stopping;

  /** Validates every setting; starts nothing. @throws io.streambus.app.ConfigException */
  public ProducersApp(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.busOptions = BusConfig.busOptions(settings);
    this.http = HttpConfig.from(settings, DEFAULT_PORT);
    this.ingest = IngestConfig.from(settings);
    this.loadGenerator = LoadGeneratorConfig.from(settings);
    warnUnknown(settings);
  }

  /** Every setting the producers read. */
  public static Set<String> settingNames() {
    Set<String> names = new HashSet<>(BusConfig.NAMES);
    names.addAll(IngestConfig.NAMES);
    names.addAll(LoadGeneratorConfig.NAMES);
    names.addAll(HttpConfig.NAMES);
    names.addAll(Set.of(AppRunner.SHUTDOWN_TIMEOUT_MS, "BUS_LOG_LEVEL", "BUS_LOG_FORMAT"));
    return names;
  }

  private static void warnUnknown(Settings settings) {
    settings.unknown(settingNames()).forEach(name -> LOG.warn("ignoring unknown setting {}", name));
  }

  @Override
  public Future<Void> start() {
    bus = StreamBus.create(vertx, busOptions, registry);
    ingestVerticle = new HttpIngestVerticle(bus, http, ingest,
        router -> OpsRoutes.mount(router, registry, this::readiness));
    Future<?> started = vertx.deployVerticle(ingestVerticle);
    if (loadGenerator.enabled()) {
      generator = new LoadGeneratorVerticle(bus, loadGenerator);
      started = started.compose(id -> vertx.deployVerticle(generator));
    }
    return started.mapEmpty();
  }

  private Future<Void> readiness() {
    return stopping ? Future.failedFuture("stopping") : bus.ping();
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    Future<Void> intakeClosed = undeploy(ingestVerticle);
    return intakeClosed.eventually(() -> undeploy(generator)).eventually(() -> bus.close());
  }

  private Future<Void> undeploy(io.vertx.core.VerticleBase verticle) {
    if (verticle == null || verticle.deploymentID() == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(verticle.deploymentID());
  }

  /** The HTTP port bound, for tests started with port 0. */
  public int httpPort() {
    return ingestVerticle == null ? -1 : ingestVerticle.actualPort();
  }

  /** The load generator, or null when none is configured. */
  public LoadGeneratorVerticle loadGenerator() {
    return generator;
  }

  public StreamBus bus() {
    return bus;
  }
}
