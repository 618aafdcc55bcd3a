package io.streambus.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

import java.util.function.Supplier;

/**
 * An HTTP server with only the {@link OpsRoutes}, for processes that have no HTTP API of their own (consumers).
 * {@link #actualPort()} tells the bound port once started (useful with port 0).
 */
public final class OpsServerVerticle extends VerticleBase {
  private final HttpConfig http;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Future<Void>> readiness;
  private volatile HttpServer server;

  public OpsServerVerticle(HttpConfig http, PrometheusMeterRegistry registry, Supplier<Future<Void>> readiness) {
    this.http = http;
    this.registry = registry;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, readiness);
    return http.createServer(vertx, router).listen()
        .onSuccess(s -> server = s);
  }

  /** The port listened on, or -1 before start. */
  public int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }
}
