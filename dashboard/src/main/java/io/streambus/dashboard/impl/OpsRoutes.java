package io.streambus.dashboard.impl;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/**
 * {@code /health}, {@code /ready} and {@code /metrics} of the fat-jar, as in the other fat-jars.
 *
 * <p>TODO(app-support): replace with {@code io.streambus.app.OpsRoutes.mount} and
 * {@code io.streambus.app.Observability.prometheus()} once module app-support is on main.
 */
public final class OpsRoutes {
  private OpsRoutes() {
  }

  /** A Prometheus registry with the JVM's basic meters bound. */
  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Liveness at {@code /health} (the process answers), readiness at {@code /ready} (200 when {@code readiness}
   * succeeds within its own deadline, else 503 with the reason), Prometheus text at {@code /metrics}.
   */
  public static void mount(Router router, PrometheusMeterRegistry registry, Supplier<Future<Void>> readiness) {
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> readiness.get().onComplete(ar -> json(ctx, ar.succeeded() ? 200 : 503,
        ar.succeeded() ? new JsonObject().put("status", "READY")
            : new JsonObject().put("status", "NOT_READY").put("reason", String.valueOf(ar.cause().getMessage())))));
    // The registry is passed explicitly: a handler built without it would serve an empty registry.
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
