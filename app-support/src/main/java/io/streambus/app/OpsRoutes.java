package io.streambus.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The operations endpoints every Streambus process serves:
 * <ul>
 *   <li>{@code GET /health}: liveness, always 200 {@code {"status":"UP"}} while the event loop answers;</li>
 *   <li>{@code GET /ready}: 200 {@code {"status":"READY"}} when the readiness check succeeds within
 *   {@value #READY_TIMEOUT_MS} ms, else 503 {@code {"status":"NOT_READY","reason":...}};</li>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format 0.0.4, or OpenMetrics when the
 *   {@code Accept} header asks for {@code application/openmetrics-text}.</li>
 * </ul>
 */
public final class OpsRoutes {
  /** Prometheus text exposition format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** OpenMetrics text format. */
  public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  /** Deadline of one readiness check: {@value} ms. */
  public static final long READY_TIMEOUT_MS = 2_000;

  private OpsRoutes() {
  }

  /**
   * @param readiness called per {@code /ready} request; a failed future's message becomes the reason
   */
  public static void mount(Router router, PrometheusMeterRegistry registry, Supplier<Future<Void>> readiness) {
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> ready(ctx, readiness));
    router.get("/metrics").handler(ctx -> metrics(ctx, registry));
  }

  private static void ready(RoutingContext ctx, Supplier<Future<Void>> readiness) {
    Future<Void> check;
    try {
      check = readiness.get();
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    check.timeout(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(
        ok -> json(ctx, 200, new JsonObject().put("status", "READY")),
        err -> json(ctx, 503, new JsonObject().put("status", "NOT_READY").put("reason", String.valueOf(
            err.getMessage() == null ? err.toString() : err.getMessage()))));
  }

  private static void metrics(RoutingContext ctx, PrometheusMeterRegistry registry) {
    String accept = ctx.request().getHeader("Accept");
    String type = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    ctx.response().putHeader("Content-Type", type).end(registry.scrape(type));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
  }
}
