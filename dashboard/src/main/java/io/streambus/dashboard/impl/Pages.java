package io.streambus.dashboard.impl;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The page and its chart library, both from the classpath. The page's own files live under a package-like root so
 * that a service mounting the router keeps its own {@code webroot/}.
 */
final class Pages {
  static final String WEBROOT = "io/streambus/dashboard/webroot";
  static final String UPLOT = "META-INF/resources/webjars/uplot";

  private Pages() {
  }

  static void mount(Router router) {
    // The webjar path carries the version, so its files never change: cache them for a day.
    router.route("/webjars/uplot/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create(UPLOT).setMaxAgeSeconds(86_400));
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(Pages::revalidate)
        .handler(StaticHandler.create(WEBROOT).setCachingEnabled(false).setDirectoryListing(false));
  }

  private static void revalidate(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-cache");
    ctx.next();
  }
}
