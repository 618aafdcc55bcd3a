package io.streambus.dashboard.impl;

import io.streambus.DeadLetter;
import io.streambus.DeadLetterPage;
import io.streambus.DeadLetters;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Browse, replay, delete and purge dead letters; the mutations pass {@link Access#mutations} first. */
final class DeadLetterRoutes {
  static final int DEFAULT_LIMIT = 50;
  private static final String ONE = "/api/topics/:topic/deadletters/:partition/:id";

  private final StreamBus bus;
  private final Access access;

  DeadLetterRoutes(StreamBus bus, Access access) {
    this.bus = bus;
    this.access = access;
  }

  void mount(Router router) {
    router.get("/api/topics/:topic/deadletters").handler(this::list);
    router.delete("/api/topics/:topic/deadletters").handler(access::mutations).handler(this::purge);
    router.get(ONE).handler(this::get);
    router.delete(ONE).handler(access::mutations).handler(this::delete);
    router.post(ONE + "/replay").handler(access::mutations).handler(this::replay);
  }

  private void list(RoutingContext ctx) {
    String topic = Params.topic(ctx);
    String cursor = Params.optional(ctx, "cursor");
    int limit = Params.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, 1000);
    respond(ctx, deadLetters(topic).compose(d -> d.list(cursor, limit)).map(DeadLetterRoutes::page));
  }

  private void get(RoutingContext ctx) {
    String ref = ref(ctx);
    respond(ctx, deadLetters(Params.topic(ctx)).compose(d -> d.get(ref))
        .compose(d -> d == null ? missing(ref) : Future.succeededFuture(json(d))));
  }

  private void delete(RoutingContext ctx) {
    String ref = ref(ctx);
    respond(ctx, deadLetters(Params.topic(ctx)).compose(d -> d.delete(ref))
        .compose(deleted -> deleted ? Future.succeededFuture(new JsonObject().put("deleted", ref)) : missing(ref)));
  }

  private void replay(RoutingContext ctx) {
    String ref = ref(ctx);
    respond(ctx, deadLetters(Params.topic(ctx)).compose(d -> d.replay(ref))
        .compose(id -> id == null ? missing(ref) : Future.succeededFuture(new JsonObject().put("replayed", ref)
            .put("partition", id.partition()).put("id", id.value()))));
  }

  private void purge(RoutingContext ctx) {
    respond(ctx, deadLetters(Params.topic(ctx)).compose(DeadLetters::purge)
        .map(n -> new JsonObject().put("purged", n)));
  }

  /** The topic's dead letters, or a 404 when the bus has never seen the topic. */
  private Future<DeadLetters> deadLetters(String topic) {
    return bus.admin().topics().compose(names -> names.contains(topic)
        ? Future.succeededFuture(bus.deadLetters(topic))
        : Future.failedFuture(ApiException.notFound("unknown topic '" + topic + "'")));
  }

  private static String ref(RoutingContext ctx) {
    return Params.intPath(ctx, "partition", 0, 1023) + "/" + Params.entryId(ctx, "id");
  }

  private static <T> Future<T> missing(String ref) {
    return Future.failedFuture(ApiException.notFound("no dead letter " + ref));
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(body -> Json.ok(ctx, body)).onFailure(ctx::fail);
  }

  private static JsonObject page(DeadLetterPage page) {
    JsonArray items = new JsonArray();
    page.items().forEach(d -> items.add(json(d)));
    return new JsonObject().put("items", items).put("nextCursor", page.nextCursor());
  }

  /** The bus's JSON plus the headers and the key picked out of the original fields, for the page's convenience. */
  static JsonObject json(DeadLetter d) {
    JsonObject headers = new JsonObject();
    d.fields().forEach((name, value) -> {
      if (name.startsWith("h:")) {
        headers.put(name.substring(2), value.toString());
      }
    });
    var key = d.fields().get("key");
    return d.toJson().put("headers", headers).put("key", key == null ? null : key.toString());
  }
}
