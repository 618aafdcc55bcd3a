package io.streambus.dashboard.impl;

import io.streambus.admin.DeadLetter;
import io.streambus.admin.DeadLetterFilter;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetterReplay;
import io.streambus.admin.DeadLetters;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Browse and search, replay (one or in bulk), delete and purge dead letters; the mutations pass
 * {@link Access#mutations} first.
 */
final class DeadLetterRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int DEFAULT_REPLAY_LIMIT = 1_000;
  private static final String ALL = "/api/topics/:topic/deadletters";
  private static final String ONE = ALL + "/:partition/:id";
  /** The query parameters of listing and of bulk replay: the filter, and the page or run. */
  private static final Set<String> PARAMETERS = Set.of("group", "id", "key", "header", "cursor", "limit");

  private final StreamBus bus;
  private final Access access;

  DeadLetterRoutes(StreamBus bus, Access access) {
    this.bus = bus;
    this.access = access;
  }

  void mount(Router router) {
    router.get(ALL).handler(this::list);
    router.delete(ALL).handler(access::mutations).handler(this::purge);
    router.post(ALL + "/replay").handler(access::mutations).handler(this::replayAll);
    router.get(ONE).handler(this::get);
    router.delete(ONE).handler(access::mutations).handler(this::delete);
    router.post(ONE + "/replay").handler(access::mutations).handler(this::replay);
  }

  /** A page of dead letters, all or those the filter parameters match (the same order either way). */
  private void list(RoutingContext ctx) {
    String topic = Params.topic(ctx);
    Params.only(ctx, PARAMETERS);
    DeadLetterFilter filter = Params.deadLetterFilter(ctx);
    String cursor = Params.optional(ctx, "cursor");
    int limit = Params.intQuery(ctx, "limit", DEFAULT_LIMIT, 1, 1000);
    respond(ctx, deadLetters(topic).compose(d -> d.search(filter, cursor, limit)).recover(DeadLetterRoutes::naming)
        .map(DeadLetterRoutes::page));
  }

  private void replayAll(RoutingContext ctx) {
    String topic = Params.topic(ctx);
    Params.only(ctx, PARAMETERS);
    DeadLetterFilter filter = Params.deadLetterFilter(ctx);
    String cursor = Params.optional(ctx, "cursor");
    int limit = Params.intQuery(ctx, "limit", DEFAULT_REPLAY_LIMIT, 1, DeadLetters.MAX_REPLAY);
    respond(ctx, deadLetters(topic).compose(d -> d.replayAll(filter, cursor, limit)).recover(DeadLetterRoutes::naming)
        .map(DeadLetterReplay::toJson));
  }

  /**
   * The bus refuses a bad cursor, or a message id of another topic or partition, with an IllegalArgumentException
   * whose message starts with what it refused; the API's 400 names that parameter.
   */
  private static <T> Future<T> naming(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    String parameter = !(failure instanceof IllegalArgumentException) ? null
        : message.startsWith("bad cursor") ? "cursor" : message.startsWith("id names") ? "id" : null;
    return Future.failedFuture(parameter == null ? failure : ApiException.badParameter(parameter, message));
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
