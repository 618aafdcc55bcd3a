package io.streambus;

import java.time.Instant;

/**
 * A request delivered to a {@link RequestHandler}: a {@link Message} of the topic (payload, headers, delivery count...)
 * that some bus sent with {@link StreamBus#request}, and whose sender waits for the reply until {@link #deadline()}.
 */
public interface Request extends Message {

  /** The request's id, unique per request (its correlation id; retries of one request keep it). */
  String requestId();

  /**
   * When the requester stops waiting: after it, a reply is of no use (the requester has failed the request with
   * {@link BusException.RequestFailed.Kind#TIMEOUT}). The time is the requester's clock; clocks of the requester and
   * the responder are assumed synchronised (NTP), and any skew between them shifts the deadline by as much.
   */
  Instant deadline();

  /** Milliseconds until {@link #deadline()} by this process's clock, 0 once it has passed. */
  long timeLeftMs();
}
