package io.streambus.consumers;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.BusOptions;
import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.streambus.StreamBus;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.ConfigException;
import io.streambus.app.HttpConfig;
import io.streambus.app.Observability;
import io.streambus.app.OpsServerVerticle;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.HandlerFactory;
import io.streambus.consumers.spi.ProjectionFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * The consumers process: one {@link ConsumerVerticle} with the configured handler, and the ops routes on
 * {@code BUS_HTTP_PORT} (default {@value #DEFAULT_PORT}). {@code /ready} is 200 while Redis answers and every
 * subscription runs. Stopping drains the consumer verticle first, then closes the bus and the ops server.
 */
public final class ConsumersApp implements AppRunner.Application {
  public static final int DEFAULT_PORT = 8082;
  private static final Logger LOG = LoggerFactory.getLogger(ConsumersApp.class);

  private final Vertx vertx;
  private final BusOptions busOptions;
  private final ConsumerConfig config;
  private final HttpConfig http;
  /** Null when the handler setting names a projection. */
  private final MessageHandler handler;
  /** Null unless the handler setting names a projection. */
  private final Projection projection;
  private final PrometheusMeterRegistry registry = Observability.prometheus();
  private StreamBus bus;
  private ConsumerVerticle consumer;
  private OpsServerVerticle ops;
  private volatile boolean stopping;

  /** Validates every setting, the handler's included; starts nothing. @throws ConfigException */
  public ConsumersApp(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.busOptions = BusConfig.busOptions(settings);
    this.config = ConsumerConfig.from(settings);
    this.http = HttpConfig.from(settings, DEFAULT_PORT);
    long shutdown = settings.longValue(AppRunner.SHUTDOWN_TIMEOUT_MS, AppRunner.DEFAULT_SHUTDOWN_TIMEOUT_MS, 100,
        3_600_000);
    if (config.options().getCloseTimeoutMs() >= shutdown) {
      throw new ConfigException(ConsumerConfig.DRAIN_TIMEOUT_MS, ConsumerConfig.DRAIN_TIMEOUT_MS
          + " must be less than " + AppRunner.SHUTDOWN_TIMEOUT_MS + " (" + shutdown + "), was "
          + config.options().getCloseTimeoutMs());
    }
    HandlerFactory factory = HandlerRegistry.load().get(ConsumerConfig.HANDLER, config.handler());
    if (factory instanceof ProjectionFactory projections) {
      this.handler = null;
      this.projection = projections.createProjection(vertx, settings.json());
    } else {
      this.handler = factory.create(vertx, settings.json());
      this.projection = null;
    }
    warnUnknown(settings, factory);
  }

  /** Every setting the consumers read when running {@code factory}'s handler. */
  public static Set<String> settingNames(HandlerFactory factory) {
    Set<String> known = new HashSet<>(BusConfig.NAMES);
    known.addAll(ConsumerConfig.NAMES);
    known.addAll(factory.settingNames());
    known.addAll(HttpConfig.NAMES);
    known.addAll(Set.of(AppRunner.SHUTDOWN_TIMEOUT_MS, "BUS_LOG_LEVEL", "BUS_LOG_FORMAT"));
    return known;
  }

  private static void warnUnknown(Settings settings, HandlerFactory factory) {
    settings.unknown(settingNames(factory)).forEach(name -> LOG.warn("ignoring unknown setting {}", name));
  }

  @Override
  public Future<Void> start() {
    bus = StreamBus.create(vertx, busOptions, registry);
    consumer = projection != null ? new ConsumerVerticle(bus, config, projection)
        : new ConsumerVerticle(bus, config, handler);
    ops = new OpsServerVerticle(http, registry, this::readiness);
    return vertx.deployVerticle(ops).compose(id -> vertx.deployVerticle(consumer)).mapEmpty();
  }

  private Future<Void> readiness() {
    if (stopping) {
      return Future.failedFuture("stopping");
    }
    if (!consumer.running()) {
      return Future.failedFuture("subscriptions not running");
    }
    return bus.ping();
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    Future<Void> drained = consumer.deploymentID() == null ? Future.succeededFuture()
        : vertx.undeploy(consumer.deploymentID());
    return drained.eventually(() -> bus.close());
  }

  /** The ops port bound, for tests started with port 0. */
  public int httpPort() {
    return ops == null ? -1 : ops.actualPort();
  }

  public ConsumerVerticle consumer() {
    return consumer;
  }
}
