package io.streambus.producers;

import io.streambus.BusException;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.app.HttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP ingest API:
 * <ul>
 *   <li>{@code POST /topics/{topic}/messages}: one message (see {@link IngestRequests}); 202
 *   {@code {"id", "topic", "partition"}};</li>
 *   <li>{@code POST /topics/{topic}/messages/batch}: a JSON array of messages; 202 {@code {"ids": [...]}} in order.</li>
 * </ul>
 * A 202 is sent only after Redis has stored the message(s), so an accepted message is never lost by this process.
 * Bad input gets a 4xx with {@code {"error", "message"}} (400 malformed JSON / bad topic / bad batch, 413 body over
 * {@link IngestConfig#maxBodyBytes()}, 400 {@code bad_idempotency_key}); a publish that fails because Redis is
 * overloaded or unreachable gets 503 with {@code Retry-After}: the client should retry (for a batch, the whole batch:
 * some of it may be stored twice, unless its elements carry idempotency keys).
 *
 * <p>With an {@code Idempotency-Key} ({@link IngestRequests}), a message whose key was seen within the bus's
 * idempotency window is not stored again: the 202 carries the first message's id, with the response header
 * {@value #REPLAYED_HEADER}{@code : true} (for a batch: when every element was; {@value #REPLAYED_COUNT_HEADER} says
 * how many were, when any).
 *
 * <p>Stopping the verticle stops accepting connections and waits up to {@link IngestConfig#drainMs()} for requests in
 * progress.
 */
public final class HttpIngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpIngestVerticle.class);
  static final String REPLAYED_HEADER = "Idempotency-Replayed";
  static final String REPLAYED_COUNT_HEADER = "Idempotency-Replayed-Count";

  private final StreamBus bus;
  private final HttpConfig http;
  private final IngestConfig config;
  private final Handler<Router> extraRoutes;
  private volatile HttpServer server;

  /**
   * @param extraRoutes adds more routes to the same server (the ops routes), may be null
   */
  public HttpIngestVerticle(StreamBus bus, HttpConfig http, IngestConfig config, Handler<Router> extraRoutes) {
    this.bus = bus;
    this.http = http;
    this.config = config;
    this.extraRoutes = extraRoutes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    if (extraRoutes != null) {
      extraRoutes.handle(router);
    }
    if (config.enabled()) {
      router.post("/topics/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
      router.post("/topics/:topic/messages").handler(this::single);
      router.post("/topics/:topic/messages/batch").handler(this::batch);
    }
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> respondError(ctx, new ApiError(404, "not_found", "no route " + ctx.request().path())));
    router.errorHandler(405, ctx -> respondError(ctx, new ApiError(405, "method_not_allowed",
        ctx.request().method() + " not allowed on " + ctx.request().path())));
    return http.createServer(vertx, router).listen().onSuccess(s -> {
      server = s;
      LOG.info("HTTP ingest listening on {}:{}", http.host(), s.actualPort());
    });
  }

  @Override
  public Future<?> stop() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.shutdown(config.drainMs(), TimeUnit.MILLISECONDS);
  }

  /** The port listened on, or -1 before start. */
  public int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  private void single(RoutingContext ctx) {
    OutgoingMessage message = IngestRequests.single(IngestRequests.topic(ctx.pathParam("topic")),
        ctx.request().headers(), ctx.body().buffer());
    bus.publish(message).onComplete(id -> {
      if (id.isDuplicate()) {
        ctx.response().putHeader(REPLAYED_HEADER, "true");
      }
      accepted(ctx, idJson(id));
    }, err -> publishFailed(ctx, err));
  }

  private void batch(RoutingContext ctx) {
    List<OutgoingMessage> messages = IngestRequests.batch(IngestRequests.topic(ctx.pathParam("topic")),
        ctx.request().headers(), ctx.body().buffer(), config.maxBatchSize());
    bus.publishAll(messages).onComplete(ids -> {
      JsonArray array = new JsonArray();
      ids.forEach(id -> array.add(idJson(id)));
      long replayed = ids.stream().filter(MessageId::isDuplicate).count();
      if (replayed > 0) {
        ctx.response().putHeader(REPLAYED_COUNT_HEADER, String.valueOf(replayed));
      }
      if (replayed == ids.size()) {
        ctx.response().putHeader(REPLAYED_HEADER, "true");
      }
      accepted(ctx, new JsonObject().put("ids", array));
    }, err -> publishFailed(ctx, err));
  }

  private static JsonObject idJson(MessageId id) {
    return new JsonObject().put("id", id.value()).put("topic", id.topic()).put("partition", id.partition());
  }

  private static void accepted(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private void publishFailed(RoutingContext ctx, Throwable err) {
    if (err instanceof IllegalArgumentException) {
      respondError(ctx, ApiError.badRequest("bad_request", err.getMessage()));
      return;
    }
    // Per request and counted in streambus_publish_failed_total: at WARN an outage would flood the log.
    LOG.debug("publish failed, answering 503: {}", err.toString());
    String code = err instanceof BusException.Backpressure ? "overloaded" : "unavailable";
    ctx.response().putHeader("Retry-After", String.valueOf(config.retryAfterSeconds()));
    respondError(ctx, new ApiError(503, code, "the message was not accepted, retry later: " + err.getMessage()));
  }

  private void failure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (err instanceof ApiError api) {
      respondError(ctx, api);
    } else if (ctx.statusCode() == 413) {
      respondError(ctx, new ApiError(413, "payload_too_large",
          "the body exceeds " + config.maxBodyBytes() + " bytes (" + IngestConfig.MAX_BODY_BYTES + ")"));
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      respondError(ctx, new ApiError(ctx.statusCode(), "bad_request", String.valueOf(err)));
    } else {
      LOG.error("ingest request failed", err);
      respondError(ctx, new ApiError(500, "internal", String.valueOf(err)));
    }
  }

  private static void respondError(RoutingContext ctx, ApiError error) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(error.status).putHeader("Content-Type", "application/json")
          .end(error.toJson().encode());
    }
  }
}
