package io.streambus.dashboard.impl;

import io.streambus.StreamBus;
import io.streambus.admin.EntryDelivery;
import io.streambus.admin.StreamEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The stream browser: pages of a topic's entries newest first (all partitions or one), filtered by key, header and
 * time, and one entry opened with its fields rendered safely and who holds it pending. Reads only: no group is used,
 * nothing in Redis changes.
 */
final class EntryRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final int PREVIEW_CHARS = 120;
  private static final String ALL = "/api/topics/:topic/entries";
  private static final Set<String> PARAMETERS = Set.of("partition", "key", "header", "since", "until", "cursor",
      "limit");
  private static final Pattern CURSOR = Pattern.compile("\\d{1,20}-\\d{1,20}:(\\d{1,4}|\\*)");

  private final StreamBus bus;
  private final EntryPages pages;

  EntryRoutes(StreamBus bus) {
    this.bus = bus;
    this.pages = new EntryPages(bus.admin());
  }

  void mount(Router router) {
    router.get(ALL).handler(this::list);
    router.get(ALL + "/:partition/:id").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    String topic = Params.topic(ctx);
    Params.only(ctx, PARAMETERS);
    EntryFilter filter = filter(ctx);
    String cursor = Params.optional(ctx, "cursor");
    if (cursor != null && !CURSOR.matcher(cursor).matches()) {
      throw ApiException.badParameter("cursor", "cursor must be a nextCursor of an earlier page, was '" + cursor
          + "'");
    }
    int limit = Params.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    String partition = Params.optional(ctx, "partition");
    known(topic).compose(partitions -> {
      List<Integer> which = new ArrayList<>();
      if (partition == null) {
        for (int p = 0; p < partitions; p++) {
          which.add(p);
        }
      } else {
        which.add(partition(partition, partitions));
      }
      return pages.page(topic, which, filter, cursor, limit);
    }).map(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(e -> items.add(summary(e)));
      return new JsonObject().put("items", items).put("nextCursor", page.next()).put("scanned", page.scanned())
          .put("scanLimit", EntryPages.SCAN_LIMIT);
    }).onSuccess(body -> Json.ok(ctx, body)).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String topic = Params.topic(ctx);
    String id = Params.entryId(ctx, "id");
    String p = ctx.pathParam("partition");
    known(topic).compose(partitions -> {
      int partition = partition(p, partitions);
      Future<StreamEntry> entry = bus.admin().entry(topic, partition, id);
      Future<List<EntryDelivery>> held = bus.admin().deliveries(topic, partition, id);
      return Future.all(entry, held).compose(v -> entry.result() == null
          ? Future.failedFuture(ApiException.notFound("no entry " + partition + "/" + id + " in topic '" + topic
              + "' (trimmed, or never was)"))
          : Future.succeededFuture(detail(entry.result(), held.result())));
    }).onSuccess(body -> Json.ok(ctx, body)).onFailure(ctx::fail);
  }

  /** The partition count, or a 404 for a topic the bus has never seen. */
  private Future<Integer> known(String topic) {
    return bus.admin().topics().compose(names -> names.contains(topic) ? bus.admin().partitions(topic)
        : Future.failedFuture(ApiException.notFound("unknown topic '" + topic + "'")));
  }

  private static int partition(String value, int partitions) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p < partitions) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badParameter("partition", "partition must be 0.." + (partitions - 1) + ", was '" + value
        + "'");
  }

  private static EntryFilter filter(RoutingContext ctx) {
    String key = Params.optional(ctx, "key");
    String header = Params.optional(ctx, "header");
    String name = null;
    String value = null;
    if (header != null) {
      int colon = header.indexOf(':');
      name = colon < 0 ? header : header.substring(0, colon);
      value = colon < 0 ? null : header.substring(colon + 1);
      if (name.isEmpty()) {
        throw ApiException.badParameter("header", "header must be name or name:value, was '" + header + "'");
      }
    }
    Long since = time(ctx, "since");
    Long until = time(ctx, "until");
    if (since != null && until != null && since > until) {
      throw ApiException.badParameter("since", "since must not be after until");
    }
    return new EntryFilter(key, name, value, since, until);
  }

  /** Epoch millis, or an ISO-8601 instant such as 2026-12-08T00:00:00Z. */
  private static Long time(RoutingContext ctx, String name) {
    String value = Params.optional(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      return value.matches("\\d{1,15}") ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw ApiException.badParameter(name, name + " must be epoch millis or an ISO-8601 instant like "
          + "2026-12-08T00:00:00Z, was '" + value + "'");
    }
  }

  private static JsonObject summary(StreamEntry e) {
    return new JsonObject().put("partition", e.partition()).put("id", e.id()).put("timestamp", e.timestamp())
        .put("key", e.key()).put("headers", new JsonObject(new java.util.LinkedHashMap<>(e.headers())))
        .put("contentType", e.contentType()).put("size", e.payload() == null ? null : e.payload().length())
        .put("preview", PayloadView.preview(e.payload(), PREVIEW_CHARS));
  }

  private static JsonObject detail(StreamEntry e, List<EntryDelivery> held) {
    JsonArray fields = new JsonArray();
    e.fields().forEach((name, value) -> {
      if (!name.equals("payload")) {
        fields.add(new JsonObject().put("name", name).put("value", PayloadView.of(value, null)));
      }
    });
    JsonArray pending = new JsonArray();
    held.forEach(d -> pending.add(d.toJson()));
    JsonObject detail = summary(e).put("payload", PayloadView.of(e.payload(), e.contentType()))
        .put("fields", fields).put("pending", pending);
    detail.remove("preview");
    return detail;
  }
}
