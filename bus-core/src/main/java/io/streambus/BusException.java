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

  /**
   * The message was stored on the Redis master but fewer replicas than {@link BusOptions#getPublishWaitReplicas()}
   * confirmed it within the publish deadline. It is in the stream and will be delivered unless that master fails
   * before a replica copies it; a failover then loses it. Publishing it again risks a duplicate but not a loss.
   */
  public static final class NotReplicated extends BusException {
    private final transient MessageId id;
    private final int replicas;
    private final int required;

    public NotReplicated(MessageId id, int replicas, int required) {
      super("stored as " + id + " on the master but acknowledged by only " + replicas + " of " + required
          + " replicas");
      this.id = id;
      this.replicas = replicas;
      this.required = required;
    }

    /** Where the message is stored (on the master only, as far as the bus knows). */
    public MessageId id() {
      return id;
    }

    /** How many replicas acknowledged it. */
    public int replicas() {
      return replicas;
    }

    /** How many were required. */
    public int required() {
      return required;
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

  /**
   * A write of a {@link Projection} that the bus refuses: a command outside the accepted ones, bad arguments, a key
   * outside the partition's hash tag or in the bus's own layout (found while the write is added), or a key of another
   * type, or a value an increment cannot apply to (found in Redis, before anything is written). Nothing of the
   * message's writes is applied, and the message is dead-lettered with this reason at once.
   */
  public static final class InvalidWrite extends NonRetryable {
    public InvalidWrite(String message) {
      super(message);
    }
  }

  /**
   * A request ({@link StreamBus#request}) got no reply, or a failure for one; {@link #kind()} says which, as Vert.x's
   * {@code ReplyFailure} does for its event bus.
   */
  public static final class RequestFailed extends BusException {
    /** Why a request failed. */
    public enum Kind {
      /** No reply came before the request's timeout. The request may still be handled (or have been). */
      TIMEOUT,
      /**
       * No responder served the topic when the request was sent: nothing was stored, no responder will ever see it.
       */
      NO_RESPONDER,
      /**
       * The responder's handler failed: after its retries (the request was dead-lettered after
       * {@link ConsumerOptions#getMaxDeliveries()} deliveries) or at once for a failure it marked final
       * ({@link NonRetryable}). {@link #errorType()} and the message carry the responder's error.
       */
      RESPONDER_FAILED,
      /** The requesting bus was closed while the request waited for its reply. */
      CANCELLED
    }

    private final Kind kind;
    private final String topic;
    private final String requestId;
    private final String responder;
    private final String errorType;

    /**
     * @param responder the consumer name of the responder that failed, null unless {@code kind} is
     *     {@link Kind#RESPONDER_FAILED}
     * @param errorType the class name of the responder's error, null unless {@code kind} is {@link Kind#RESPONDER_FAILED}
     */
    public RequestFailed(Kind kind, String topic, String requestId, String responder, String errorType,
                         String message) {
      super(message);
      this.kind = kind;
      this.topic = topic;
      this.requestId = requestId;
      this.responder = responder;
      this.errorType = errorType;
    }

    /** Why the request failed. */
    public Kind kind() {
      return kind;
    }

    /** The topic the request was sent to. */
    public String topic() {
      return topic;
    }

    /** The request's id (null when it failed before it had one). */
    public String requestId() {
      return requestId;
    }

    /** The responder that failed ({@link Kind#RESPONDER_FAILED}), else null. */
    public String responder() {
      return responder;
    }

    /** The class name of the responder's error ({@link Kind#RESPONDER_FAILED}), else null. */
    public String errorType() {
      return errorType;
    }
  }
}
