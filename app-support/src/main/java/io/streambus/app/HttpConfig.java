package io.streambus.app;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.tracing.TracingPolicy;

import java.util.Set;

/**
 * Where a process listens for HTTP (its API, if any, and the ops endpoints): {@value #HOST} (default
 * {@value #DEFAULT_HOST}) and {@value #PORT} (each application chooses its default; 0 picks a free port); and how long
 * a client may take to send a request's head, {@value #REQUEST_HEAD_TIMEOUT_MS} (default
 * {@value #DEFAULT_REQUEST_HEAD_TIMEOUT_MS} ms, {@value #MIN_REQUEST_HEAD_TIMEOUT_MS} to
 * {@value #MAX_REQUEST_HEAD_TIMEOUT_MS}): counted from the connection's start and, on a kept-alive connection, from the
 * end of the last response, so a connection left idle that long is closed too.
 */
public record HttpConfig(String host, int port, long requestHeadTimeoutMs) {
  public static final String HOST = "BUS_HTTP_HOST";
  public static final String PORT = "BUS_HTTP_PORT";
  public static final String REQUEST_HEAD_TIMEOUT_MS = "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS";
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final long DEFAULT_REQUEST_HEAD_TIMEOUT_MS = 10_000;
  public static final long MIN_REQUEST_HEAD_TIMEOUT_MS = 100;
  public static final long MAX_REQUEST_HEAD_TIMEOUT_MS = 600_000;
  /** Every setting read here. */
  public static final Set<String> NAMES = Set.of(HOST, PORT, REQUEST_HEAD_TIMEOUT_MS);

  /** Listens on {@code host:port} with the default request-head timeout. */
  public HttpConfig(String host, int port) {
    this(host, port, DEFAULT_REQUEST_HEAD_TIMEOUT_MS);
  }

  /** @throws ConfigException naming a bad setting */
  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(s.string(HOST, DEFAULT_HOST), s.integer(PORT, defaultPort, 0, 65_535),
        s.longValue(REQUEST_HEAD_TIMEOUT_MS, DEFAULT_REQUEST_HEAD_TIMEOUT_MS, MIN_REQUEST_HEAD_TIMEOUT_MS,
            MAX_REQUEST_HEAD_TIMEOUT_MS));
  }

  /**
   * The server's options. With tracing on, a request is a server span only when it carries a trace context
   * ({@link TracingPolicy#PROPAGATE}): probes and scrapes, every few seconds, would otherwise each be a trace. HTTP/1.1
   * only: with clear-text HTTP/2 allowed, Vert.x holds a new connection in a handler that waits for the bytes telling
   * the two apart, where closing it (the request-head timeout) has no effect.
   */
  public HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost(host).setPort(port).setTracingPolicy(TracingPolicy.PROPAGATE)
        .setHttp2ClearTextEnabled(false);
  }

  /**
   * A server with {@link #serverOptions()} whose requests go to {@code requests}, and which closes connections that do
   * not send a request head within {@link #requestHeadTimeoutMs()}. Not yet listening.
   */
  public HttpServer createServer(Vertx vertx, Handler<HttpServerRequest> requests) {
    return RequestHeadTimeout.install(vertx, vertx.createHttpServer(serverOptions()), requestHeadTimeoutMs, requests);
  }
}
