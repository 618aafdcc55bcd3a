package io.streambus.dashboard.impl;

import io.streambus.Topics;
import io.vertx.ext.web.RoutingContext;

/** Reads and checks request parameters; a bad one becomes a 400 that names it. */
final class Params {
  private Params() {
  }

  /** The {@code :topic} path parameter, checked against the bus's naming rule. */
  static String topic(RoutingContext ctx) {
    String topic = ctx.pathParam("topic");
    if (!Topics.isValidName(topic)) {
      throw ApiException.badParameter("topic", "topic must be 1-200 of [A-Za-z0-9._-], was '" + topic + "'");
    }
    return topic;
  }

  /** A query parameter that must be present and not blank. */
  static String required(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isBlank()) {
      throw ApiException.badParameter(name, name + " is required");
    }
    return value;
  }

  /** An optional query parameter, or null. */
  static String optional(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  /** An optional integer query parameter within {@code min..max}. */
  static int intQuery(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String value = optional(ctx, name);
    return value == null ? defaultValue : parseInt(name, value, min, max);
  }

  /** An integer path parameter within {@code min..max}. */
  static int intPath(RoutingContext ctx, String name, int min, int max) {
    return parseInt(name, ctx.pathParam(name), min, max);
  }

  private static int parseInt(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw ApiException.badParameter(name, name + " must be an integer in " + min + ".." + max + ", was '" + value
        + "'");
  }

  /** A stream entry id path parameter ({@code <millis>-<seq>}). */
  static String entryId(RoutingContext ctx, String name) {
    String id = ctx.pathParam(name);
    if (id == null || !id.matches("\\d{1,20}-\\d{1,20}")) {
      throw ApiException.badParameter(name, name + " must be a stream entry id like 1700000000000-0, was '" + id
          + "'");
    }
    return id;
  }
}
