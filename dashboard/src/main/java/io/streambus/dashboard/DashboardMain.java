package io.streambus.dashboard;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Entry point of {@code streambus-dashboard.jar}: reads {@link DashboardConfig} from the environment and deploys a
 * {@link DashboardVerticle}. Exits with 2 when a setting is invalid (the message names it), with 1 when the server
 * cannot start. SIGTERM closes Vert.x, which stops the verticle.
 */
public final class DashboardMain {
  private static final String LOGBACK_PROPERTY = "logback.configurationFile";

  private DashboardMain() {
  }

  public static void main(String[] args) {
    DashboardConfig config;
    try {
      config = DashboardConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("streambus-dashboard: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    // The fat-jar's logging setup has its own name so that a service depending on this module keeps its own.
    if (System.getProperty(LOGBACK_PROPERTY) == null) {
      System.setProperty(LOGBACK_PROPERTY, "streambus-dashboard-logback.xml");
    }
    run(config);
  }

  private static void run(DashboardConfig config) {
    Logger log = LoggerFactory.getLogger(DashboardMain.class);
    Vertx vertx = Vertx.vertx();
    DashboardVerticle verticle = new DashboardVerticle(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "dashboard-shutdown"));
    vertx.deployVerticle(verticle)
        .onSuccess(id -> log.info("Dashboard on http://{}:{}/ watching {} (prefix {}), {}", config.host(),
            verticle.actualPort(), io.streambus.BusOptions.redact(config.bus().getConnectionString()),
            config.bus().getKeyPrefix(), config.dashboard()))
        .onFailure(e -> {
          log.error("Dashboard failed to start: {}", e.toString());
          vertx.close().onComplete(v -> System.exit(1));
        });
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway; nothing left to report to
    }
  }
}
