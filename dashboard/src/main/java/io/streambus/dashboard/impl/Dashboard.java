package io.streambus.dashboard.impl;

import io.streambus.StreamBus;
import io.streambus.dashboard.DashboardOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

/** Wires the sampler, the live stream, the API and the page into one router. */
public final class Dashboard {
  private Dashboard() {
  }

  /** @param options validated options */
  public static Router router(Vertx vertx, StreamBus bus, DashboardOptions options) {
    return router(vertx, bus, options, sampler -> { });
  }

  /**
   * @param options validated options
   * @param attach called with the sampler before its first sample, to add listeners (e.g. the metrics export)
   */
  public static Router router(Vertx vertx, StreamBus bus, DashboardOptions options, Consumer<Sampler> attach) {
    Sampler sampler = new Sampler(vertx, bus.admin(), options);
    attach.accept(sampler);
    Access access = new Access(options);
    LiveUpdates live = new LiveUpdates(sampler);
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::apply);
    router.route("/api/*").failureHandler(Problems::handle);
    JsonObject config = config(options, access);
    router.get("/api/config").handler(ctx -> Json.ok(ctx, config));
    router.route("/api/*").handler(access::reads);
    router.get("/api/stream").handler(live::handle);
    new StatsRoutes(sampler, options.getHistorySeconds()).mount(router);
    new DeadLetterRoutes(bus, access).mount(router);
    new EntryRoutes(bus).mount(router);
    router.route("/api/*").handler(Dashboard::noSuchEndpoint);
    Pages.mount(router);
    sampler.start();
    return router;
  }

  /** What the page needs to know before it may read anything (so it is the one endpoint without a read token). */
  private static JsonObject config(DashboardOptions options, Access access) {
    return options.toJson().put("mutationsEnabled", access.mutationsEnabled())
        .put("readTokenRequired", access.readsProtected())
        .put("howToEnableMutations", access.mutationsEnabled() ? null : Access.HOW_TO_ENABLE)
        .put("tokenHeader", Access.HEADER);
  }

  private static void noSuchEndpoint(RoutingContext ctx) {
    Problems.send(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath(), null);
  }
}
