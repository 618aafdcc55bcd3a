package io.streambus;

/**
 * The failures the bus reports. Redis errors that reach callers are wrapped in a plain {@code BusException} whose
 * message starts with the Redis error text; the subclasses name the conditions a caller can act on.
 */
public class BusException extends RuntimeException {

  public BusException(String message) {
    super(message);
  }

  public BusException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Too many publishes are waiting for Redis ({@link BusOptions#getMaxPendingPublishes()}); back off and retry. */
  public static final class Backpressure extends BusException {
    public Backpressure(String message) {
      super(message);
    }
  }

  /** Redis did not confirm in time ({@link BusOptions#getPublishTimeoutMs()}); the outcome is unknown. */
  public static final class Timeout extends BusException {
    public Timeout(String message) {
      super(message);
    }
  }

  /** The bus or subscription has been closed. */
  public static final class Closed extends BusException {
    public Closed(String message) {
      super(message);
    }
  }

  /**
   * A handler failure that retrying cannot fix (malformed payload, validation error): the message is dead-lettered at
   * once instead of being retried. Handlers may fail with it (or a subclass) on purpose.
   */
  public static class NonRetryable extends BusException {
    public NonRetryable(String message) {
      super(message);
    }

    public NonRetryable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
