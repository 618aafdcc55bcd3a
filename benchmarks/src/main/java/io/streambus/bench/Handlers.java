package io.streambus.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/** The handler both subjects run, so that the two sides do the same work per message. */
final class Handlers {
  private Handlers() {
  }

  /**
   * Hands {@code payload} to {@code sink}; the future completes at once ({@code asyncDelayMs < 0}), on a later turn of
   * the caller's event loop (0), or from a timer of {@code asyncDelayMs} ms, as a handler that calls another service
   * would. Called on a Vert.x context.
   */
  static Future<Void> handle(Receiver sink, Buffer payload, long asyncDelayMs) {
    sink.accept(payload);
    if (asyncDelayMs < 0) {
      return Future.succeededFuture();
    }
    Context context = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    if (asyncDelayMs == 0) {
      context.runOnContext(v -> done.complete());
    } else {
      context.owner().setTimer(asyncDelayMs, t -> done.complete());
    }
    return done.future();
  }
}
