package io.streambus.dashboard.impl;

import io.streambus.admin.DeadLetterFilter;
import io.streambus.Topics;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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

  /**
   * Refuses a query parameter the endpoint does not know: a misspelt filter ({@code grop=billing}) must not widen a
   * search, let alone a bulk replay, to every dead letter.
   */
  static void only(RoutingContext ctx, Set<String> accepted) {
    for (String name : ctx.queryParams().names()) {
      if (!accepted.contains(name)) {
        throw ApiException.badParameter(name, "unknown parameter '" + name + "'; accepted: "
            + String.join(", ", new TreeSet<>(accepted)));
      }
    }
  }

  /** The dead-letter filter of {@code group}, {@code id}, {@code key} and {@code header=name:value} (repeatable). */
  static DeadLetterFilter deadLetterFilter(RoutingContext ctx) {
    DeadLetterFilter filter = DeadLetterFilter.all();
    filter = once(ctx, "group", filter, filter::withGroup);
    filter = once(ctx, "id", filter, filter::withMessageId);
    filter = once(ctx, "key", filter, filter::withKey);
    for (String header : ctx.queryParams().getAll("header")) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw ApiException.badParameter("header", "header must be name:value, was '" + header + "'");
      }
      try {
        filter = filter.withHeader(header.substring(0, colon), header.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw ApiException.badParameter("header", e.getMessage());
      }
    }
    return filter;
  }

  private static DeadLetterFilter once(RoutingContext ctx, String name, DeadLetterFilter filter,
                                       Function<String, DeadLetterFilter> with) {
    List<String> values = ctx.queryParams().getAll(name);
    if (values.isEmpty()) {
      return filter;
    }
    if (values.size() > 1) {
      throw ApiException.badParameter(name, name + " may be given once, was given " + values.size() + " times");
    }
    try {
      return with.apply(values.get(0));
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(name, e.getMessage());
    }
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
