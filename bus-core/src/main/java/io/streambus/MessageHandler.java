package io.streambus;

import io.vertx.core.Future;

/**
 * Handles one message. The returned future decides the message's fate: success acknowledges it; failure schedules a
 * retry with backoff, or dead-letters it when the delivery limit is reached or the failure is a
 * {@link BusException.NonRetryable}. A handler that throws is treated as one that returned a failed future; one that
 * does not complete within {@link ConsumerOptions#getHandlerTimeoutMs()} is treated as failed too.
 */
@FunctionalInterface
public interface MessageHandler {
  Future<Void> handle(Message message);
}
