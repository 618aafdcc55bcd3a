package io.streambus.dashboard;

import io.streambus.StreamBus;
import io.streambus.dashboard.impl.Dashboard;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The dashboard as a vertx-web {@link Router} that a service mounts in its own HTTP server:
 *
 * <pre>{@code
 * Router root = Router.router(vertx);
 * root.route("/bus/*").subRouter(DashboardRouter.create(vertx, bus, new DashboardOptions()));
 * }</pre>
 *
 * <p>The router serves the page at its root ({@code /bus/}; {@code /bus} redirects there), the JSON API under
 * {@code api/} and the live stream at {@code api/stream}; {@code docs/dashboard.md} documents every endpoint.
 *
 * <p>Each router owns one sampler that reads the bus every {@link DashboardOptions#getSampleIntervalMs()} ms, keeps
 * {@link DashboardOptions#getHistorySeconds()} of history in memory and pushes each sample to every open page, so
 * Redis load does not depend on the number of viewers: create one router per process and mount it once. The sampler
 * runs on the Vert.x context that calls {@code create}; when that is a verticle's, it stops when the verticle is
 * undeployed, otherwise when Vert.x closes.
 */
public final class DashboardRouter {
  private DashboardRouter() {
  }

  /**
   * Creates the router and starts its sampler.
   *
   * @param bus the bus whose topics are shown; it is not closed by the dashboard
   * @throws IllegalArgumentException when the options are invalid (the message names the field)
   */
  public static Router create(Vertx vertx, StreamBus bus, DashboardOptions options) {
    return Dashboard.router(vertx, bus, new DashboardOptions(options).validate());
  }
}
