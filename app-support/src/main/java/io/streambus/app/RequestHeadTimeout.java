package io.streambus.app;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a connection that has not sent a whole request head within a time limit, counted from the connection's start
 * and, on a kept-alive connection, from the end of its last response. Vert.x's idle timeout does not catch a client
 * that sends its head a byte at a time (each byte is activity), so such clients could hold connections open for as
 * long as they like.
 */
final class RequestHeadTimeout {
  private final Vertx vertx;
  private final long timeoutMs;
  /** Per open connection: the armed timer (or -1 while requests are in progress) and how many are. */
  private final Map<HttpConnection, State> connections = new ConcurrentHashMap<>();

  private static final class State {
    long timer = -1;
    int inProgress;
  }

  private RequestHeadTimeout(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** Installs the limit on {@code server}, whose requests go to {@code requests}. */
  static HttpServer install(Vertx vertx, HttpServer server, long timeoutMs, Handler<HttpServerRequest> requests) {
    RequestHeadTimeout limit = new RequestHeadTimeout(vertx, timeoutMs);
    return server.connectionHandler(limit::opened).requestHandler(request -> {
      limit.started(request);
      requests.handle(request);
    });
  }

  private void opened(HttpConnection connection) {
    State state = new State();
    connections.put(connection, state);
    connection.closeHandler(v -> {
      State s = connections.remove(connection);
      if (s != null && s.timer >= 0) {
        vertx.cancelTimer(s.timer);
      }
    });
    arm(connection, state);
  }

  private void started(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    State state = connections.get(connection);
    if (state == null) {
      return; // a protocol whose requests do not share a connection state (none of ours); nothing to time
    }
    if (state.timer >= 0) {
      vertx.cancelTimer(state.timer);
      state.timer = -1;
    }
    state.inProgress++;
    boolean[] finished = {false}; // the response may both end and see its connection close: count it once
    Handler<Void> done = v -> {
      if (!finished[0]) {
        finished[0] = true;
        finished(connection, state);
      }
    };
    request.response().endHandler(done).closeHandler(done);
  }

  private void finished(HttpConnection connection, State state) {
    state.inProgress--;
    if (state.inProgress == 0 && connections.containsKey(connection)) {
      arm(connection, state);
    }
  }

  private void arm(HttpConnection connection, State state) {
    if (state.timer >= 0) {
      vertx.cancelTimer(state.timer);
    }
    state.timer = vertx.setTimer(timeoutMs, t -> {
      state.timer = -1;
      connection.close();
    });
  }
}
