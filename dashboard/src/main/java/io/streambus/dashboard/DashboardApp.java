package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.app.AppRunner;
import io.streambus.app.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard process ({@code streambus-dashboard.jar}), run by {@link AppRunner} as the producers and consumers
 * are: one {@link DashboardVerticle} configured by {@link DashboardConfig#from(Settings)}. Starting succeeds once the
 * HTTP server listens (Redis need not be up: the page shows the sampler's error until it is); stopping undeploys it,
 * which closes the server and the bus.
 */
public final class DashboardApp implements AppRunner.Application {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardApp.class);

  private final Vertx vertx;
  private final DashboardConfig config;
  private DashboardVerticle verticle;

  /** Validates every setting; starts nothing. @throws io.streambus.app.ConfigException naming a bad one */
  public DashboardApp(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.config = DashboardConfig.from(settings);
    settings.unknown(DashboardConfig.settingNames()).forEach(name -> LOG.warn("ignoring unknown setting {}", name));
  }

  @Override
  public Future<Void> start() {
    verticle = new DashboardVerticle(config);
    return vertx.deployVerticle(verticle)
        .onSuccess(id -> LOG.info("Dashboard on http://{}:{}/ watching {} ({}, prefix {}), {}", config.host(),
            verticle.actualPort(), String.join(",", config.bus().getConnectionStrings().stream()
                .map(BusOptions::redact).toList()), config.bus().getTopology(), config.bus().getKeyPrefix(),
            config.dashboard()))
        .mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    if (verticle == null || verticle.deploymentID() == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(verticle.deploymentID());
  }

  /** The HTTP port bound, for tests started with port 0; -1 before it listens. */
  public int httpPort() {
    return verticle == null ? -1 : verticle.actualPort();
  }

  /** What it was configured with. */
  public DashboardConfig config() {
    return config;
  }
}
