package io.streambus.dashboard.impl;

import io.streambus.BusException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every API error as one JSON shape, {@code {"error": "...", "parameter": "..."}}: refused requests with their own
 * status, bad arguments the bus rejected as 400, Redis trouble as 503, anything else as 500 (logged).
 */
final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  static void send(RoutingContext ctx, int status, String message, String parameter) {
    JsonObject body = new JsonObject().put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    Json.send(ctx, status, body);
  }

  /** The API's failure handler. */
  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().headWritten()) {
      ctx.response().reset();
    } else if (failure instanceof ApiException e) {
      send(ctx, e.status(), e.getMessage(), e.parameter());
    } else if (failure instanceof IllegalArgumentException e) {
      send(ctx, 400, e.getMessage(), null);
    } else if (failure instanceof BusException e) {
      send(ctx, 503, "the bus failed: " + e.getMessage(), null);
    } else if (failure != null) {
      LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, 500, "internal error: " + failure, null);
    } else {
      send(ctx, ctx.statusCode(), statusText(ctx.statusCode()), null);
    }
  }

  private static String statusText(int status) {
    return switch (status) {
      case 404 -> "not found";
      case 405 -> "method not allowed";
      default -> "HTTP " + status;
    };
  }
}
