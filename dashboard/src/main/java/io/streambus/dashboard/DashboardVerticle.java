package io.streambus.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.StreamBus;
import io.streambus.app.Observability;
import io.streambus.app.OpsRoutes;
import io.streambus.dashboard.impl.Dashboard;
import io.streambus.dashboard.impl.GroupGauges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * The dashboard fat-jar's verticle: one HTTP server on {@link DashboardConfig#host()}:{@link DashboardConfig#port()}
 * (which closes a connection that has not sent a request head within
 * {@link io.streambus.app.HttpConfig#requestHeadTimeoutMs()}) serving the dashboard at {@code /}, and {@code /health}, {@code /ready} (Redis answers) and {@code /metrics}
 * (Prometheus text: the bus's meters, the JVM's, and one set of {@link DashboardMeters} gauges per consumer group,
 * updated at every sample).
 *
 * <p>Start succeeds once the server listens (Redis need not be up: the page shows the sampler's error until it is).
 * Stop closes the server, which ends the live streams, and then the bus if the verticle created it.
 */
public class DashboardVerticle extends VerticleBase {
  private final DashboardConfig config;
  private final boolean ownsBus;
  private StreamBus bus;
  private PrometheusMeterRegistry registry;
  private HttpServer server;
  private GroupGauges gauges;

  /**
   * Configured from the environment ({@link DashboardConfig#fromEnv}); for {@code Main-Verticle} launchers.
   *
   * @throws io.streambus.app.ConfigException naming a bad setting
   */
  public DashboardVerticle() {
    this(DashboardConfig.fromEnv(System.getenv()));
  }

  /** Creates its own bus from {@link DashboardConfig#bus()} and its own Prometheus registry; closes the bus on stop. */
  public DashboardVerticle(DashboardConfig config) {
    this.config = config;
    this.ownsBus = true;
  }

  /**
   * Shows an existing bus (e.g. in a demo process that also produces and consumes) and serves {@code registry} at
   * {@code /metrics}; {@link DashboardConfig#bus()} is not used and the bus is left open on stop.
   */
  public DashboardVerticle(StreamBus bus, PrometheusMeterRegistry registry, DashboardConfig config) {
    this.config = config;
    this.ownsBus = false;
    this.bus = bus;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    if (ownsBus) {
      registry = Observability.prometheus();
      bus = StreamBus.create(vertx, config.bus(), registry);
    }
    Router root = Router.router(vertx);
    OpsRoutes.mount(root, registry, () -> bus.ping());
    gauges = new GroupGauges(registry);
    root.route("/*").subRouter(Dashboard.router(vertx, bus, new DashboardOptions(config.dashboard()).validate(),
        sampler -> sampler.onSample(gauges)));
    return config.http().createServer(vertx, root)
        .listen()
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    // The registry may outlive this verticle (a process that passed its own): leave no frozen figures in it.
    if (gauges != null) {
      gauges.close();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return ownsBus ? closed.eventually(() -> bus.close()) : closed;
  }

  /** The port the server listens on (useful with port 0), or -1 before it listens. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
