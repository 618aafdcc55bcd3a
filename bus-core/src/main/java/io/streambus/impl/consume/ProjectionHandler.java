package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.Message;
import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.vertx.core.Future;

/**
 * A projection as the dispatcher sees it: a handler that gives the projection a fresh set of writes and, when it
 * succeeds, leaves the writes with the delivery for the settlement to apply (project.lua). A refused write fails the
 * delivery as non-retryable, whatever the projection did with the exception.
 */
final class ProjectionHandler implements MessageHandler {
  private final Projection projection;
  private final String prefix;

  ProjectionHandler(Projection projection, String prefix) {
    this.projection = projection;
    this.prefix = prefix;
  }

  @Override
  public Future<Void> handle(Message message) {
    DefaultMessage delivery = (DefaultMessage) message;
    ProjectionWrites writes = new ProjectionWrites(prefix, message.topic(), message.partition());
    Future<Void> f;
    try {
      f = projection.apply(message, writes);
    } catch (Throwable t) {
      f = Future.failedFuture(t);
    }
    if (f == null) {
      f = Future.failedFuture(new NullPointerException("projection returned null instead of a Future"));
    }
    return f.transform(ar -> {
      if (writes.refused() != null) {
        return Future.failedFuture(new BusException.InvalidWrite(writes.refused()));
      }
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      delivery.project(writes);
      return Future.succeededFuture();
    });
  }
}
