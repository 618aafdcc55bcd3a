package io.streambus;

import io.vertx.core.Future;

/**
 * Answers requests ({@link StreamBus#respond}). The returned future is the reply: success sends its
 * {@link OutgoingReply} to the requester, then acknowledges the request. Failure is a handler failure as for a
 * {@link MessageHandler}: the request is retried with backoff (the requester keeps waiting), and when it is
 * dead-lettered (after {@link ConsumerOptions#getMaxDeliveries()} deliveries, or at once for a
 * {@link BusException.NonRetryable}) the requester gets the failure ({@link BusException.RequestFailed.Kind#RESPONDER_FAILED}).
 * A handler that throws is treated as one that returned a failed future.
 *
 * <p>The handler runs at most until the request's deadline (and within {@link ConsumerOptions#getHandlerTimeoutMs()}
 * less a margin for sending the reply): a call still running then fails with {@link BusException.Timeout}. A failure
 * after the deadline is not retried: the request is acknowledged without a reply (the requester has given up) and
 * counted in {@link BusMeters#REQUEST_EXPIRED}.
 */
@FunctionalInterface
public interface RequestHandler {
  Future<OutgoingReply> handle(Request request);
}
