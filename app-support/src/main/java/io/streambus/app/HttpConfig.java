package io.streambus.app;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;

/**
 * Where a process listens for HTTP (its API, if any, and the ops endpoints): {@value #HOST} (default
 * {@value #DEFAULT_HOST}) and {@value #PORT} (each application chooses its default; 0 picks a free port).
 */
public record HttpConfig(String host, int port) {
  public static final String HOST = "BUS_HTTP_HOST";
  public static final String PORT = "BUS_HTTP_PORT";
  public static final String DEFAULT_HOST = "0.0.0.0";

  /** @throws ConfigException naming a bad setting */
  public static HttpConfig from(Settings s, int defaultPort) {
    return new HttpConfig(s.string(HOST, DEFAULT_HOST), s.integer(PORT, defaultPort, 0, 65_535));
  }

  /**
   * The server's options. With tracing on, a request is a server span only when it carries a trace context
   * ({@link TracingPolicy#PROPAGATE}): probes and scrapes, every few seconds, would otherwise each be a trace.
   */
  public HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost(host).setPort(port).setTracingPolicy(TracingPolicy.PROPAGATE);
  }
}
