package io.streambus.dashboard.impl;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The read side: figures as of the sampler's latest sample (never a Redis read per request, so viewers add no load
 * on Redis) and the history behind the charts.
 */
final class StatsRoutes {
  private final Sampler sampler;
  private final int historySeconds;

  StatsRoutes(Sampler sampler, int historySeconds) {
    this.sampler = sampler;
    this.historySeconds = historySeconds;
  }

  void mount(Router router) {
    router.get("/api/topics").handler(this::topics);
    router.get("/api/topics/:topic").handler(this::topic);
    router.get("/api/history").handler(this::history);
  }

  private void topics(RoutingContext ctx) {
    Json.ok(ctx, sampler.latest().toJson());
  }

  private void topic(RoutingContext ctx) {
    String name = Params.topic(ctx);
    TopicSample topic = sampler.latest().topic(name).orElseThrow(() -> unknown(name));
    Json.ok(ctx, topic.toJson(true));
  }

  private void history(RoutingContext ctx) {
    String name = Params.required(ctx, "topic");
    int seconds = Params.intQuery(ctx, "seconds", historySeconds, 1, historySeconds);
    Sample latest = sampler.latest();
    if (latest.topic(name).isEmpty()) {
      throw unknown(name);
    }
    long since = latest.sampledAt() - seconds * 1000L;
    Json.ok(ctx, sampler.history().columns(name, since).put("intervalMs", latest.intervalMs()));
  }

  private static ApiException unknown(String topic) {
    return ApiException.notFound("unknown topic '" + topic + "'");
  }
}
