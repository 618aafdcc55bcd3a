package io.streambus.dashboard.impl;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-sent events at {@code /api/stream}: every sample, as the JSON of {@code /api/topics}, to every connected
 * browser. The JSON is encoded once per sample whatever the number of viewers. A viewer whose connection cannot keep
 * up skips samples instead of queueing them in memory.
 */
final class LiveUpdates {
  private final Sampler sampler;
  private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();

  /** One connected browser; written only on the context its request arrived on. */
  private record Viewer(Context context, HttpServerResponse response) {
    void send(String event) {
      context.runOnContext(v -> {
        if (!response.closed() && !response.writeQueueFull()) {
          response.write(event);
        }
      });
    }
  }

  LiveUpdates(Sampler sampler) {
    this.sampler = sampler;
    sampler.onSample(this::broadcast);
  }

  int viewers() {
    return viewers.size();
  }

  void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        // Reverse proxies such as nginx would otherwise buffer the stream.
        .putHeader("X-Accel-Buffering", "no");
    Viewer viewer = new Viewer(Vertx.currentContext(), response);
    viewers.add(viewer);
    response.closeHandler(v -> viewers.remove(viewer));
    response.write("retry: 2000\n\n" + event(sampler.latest()));
  }

  private void broadcast(Sample sample) {
    if (viewers.isEmpty()) {
      return;
    }
    String event = event(sample);
    viewers.forEach(v -> v.send(event));
  }

  private static String event(Sample sample) {
    return "event: sample\nid: " + sample.seq() + "\ndata: " + sample.toJson().encode() + "\n\n";
  }
}
