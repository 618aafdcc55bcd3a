package io.streambus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears what goes wrong (and a few notable events) in a subscription. Every method has a no-op default; override the
 * ones you need. Callbacks run on the subscription's Vert.x context and must not block. An exception thrown by a
 * callback is logged and otherwise ignored.
 *
 * <p>{@link #logging()} is the default listener of {@link ConsumerOptions}: it logs each event through SLF4J (logger
 * {@code io.streambus.consumer}).
 */
public interface ConsumerListener {

  /**
   * A read, acknowledgement or maintenance command failed (Redis down, connection dropped, group deleted). The
   * subscription keeps going: it reconnects with backoff and recreates a deleted group.
   */
  default void onRedisError(String stream, String operation, Throwable error) {
  }

  /** A handler failed (or threw, or timed out). {@code willRetry} is false when the message is dead-lettered. */
  default void onHandlerFailure(Message message, Throwable error, boolean willRetry) {
  }

  /**
   * Messages pending on another consumer longer than {@link ConsumerOptions#getClaimMinIdleMs()} were taken over.
   * {@code trimmed} counts pending entries that no longer existed in the stream (acknowledged and dropped).
   */
  default void onReclaim(String stream, int claimed, int trimmed) {
  }

  /** A message was moved to the dead-letter stream, with the reason recorded there. */
  default void onDeadLetter(String stream, String entryId, String reason) {
  }

  /**
   * This subscription lost the lease of a message it held (queued, in its handler, or being settled): the process
   * paused, or could not reach Redis, for longer than {@link ConsumerOptions#getClaimMinIdleMs()}, and a peer took
   * the message over; or another process started with the same consumer name. The subscription does nothing more to
   * the message (it neither acknowledges, retries nor dead-letters it, and a handler that has not started yet is not
   * called); the peer settles it. A handler already running is not interrupted: its work may overlap the peer's.
   */
  default void onLeaseLost(Message message, String reason) {
  }

  /** A listener that logs every event through SLF4J. */
  static ConsumerListener logging() {
    return LoggingListener.INSTANCE;
  }

  /** The logging listener; an enum so that it is a serializable singleton. */
  enum LoggingListener implements ConsumerListener {
    INSTANCE;

    private static final Logger LOG = LoggerFactory.getLogger("io.streambus.consumer");

    @Override
    public void onRedisError(String stream, String operation, Throwable error) {
      LOG.warn("{} on {} failed: {}", operation, stream, error.toString());
    }

    @Override
    public void onHandlerFailure(Message message, Throwable error, boolean willRetry) {
      LOG.info("handler failed for {} (delivery {}), {}: {}", message.id(), message.deliveryCount(),
          willRetry ? "will retry" : "dead-lettering", error.toString());
    }

    @Override
    public void onReclaim(String stream, int claimed, int trimmed) {
      LOG.info("reclaimed {} pending messages on {} ({} no longer in the stream)", claimed, stream, trimmed);
    }

    @Override
    public void onDeadLetter(String stream, String entryId, String reason) {
      LOG.warn("dead-lettered {} {}: {}", stream, entryId, reason);
    }

    @Override
    public void onLeaseLost(Message message, String reason) {
      LOG.warn("lost the lease of {} (delivery {}): {}", message.id(), message.deliveryCount(), reason);
    }
  }
}
