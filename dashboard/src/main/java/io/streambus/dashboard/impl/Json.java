package io.streambus.dashboard.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Sends JSON bodies the same way everywhere: UTF-8, never cached (the figures change every second). */
final class Json {
  private Json() {
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  static void ok(RoutingContext ctx, JsonObject body) {
    send(ctx, 200, body);
  }
}
