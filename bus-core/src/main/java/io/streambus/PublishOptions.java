package io.streambus;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * How the bus publishes: deadlines, the bound on waiting publishes, replication receipts, the idempotency window.
 * Part of {@link BusOptions} ({@link BusOptions#getPublish()}); its JSON is the {@code publish} object of the bus's.
 * All times are in milliseconds.
 */
@DataObject
@JsonGen(publicConverter = false)
public class PublishOptions {
  /** Default publish deadline: {@value} ms. */
  public static final long DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
  /** Default bound of publishes waiting for Redis: {@value}. */
  public static final int DEFAULT_MAX_PENDING_PUBLISHES = 10_000;
  /** Default idempotency window: {@value} ms (24 h). */
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = 86_400_000;
  /** The publish deadline: 1 ms to an hour. */
  public static final OptionRange PUBLISH_TIMEOUT_MS = OptionRange.of(1, 3_600_000);
  /** The bound of waiting publishes: 1 to 10,000,000. */
  public static final OptionRange MAX_PENDING_PUBLISHES = OptionRange.of(1, 10_000_000);
  /** Replicas a publish waits for: 0 (none) to 16. */
  public static final OptionRange WAIT_REPLICAS = OptionRange.of(0, 16);
  /** The idempotency window: 1 ms to a year. */
  public static final OptionRange IDEMPOTENCY_WINDOW_MS = OptionRange.of(1, 31_536_000_000L);

  private long publishTimeoutMs;
  private int maxPendingPublishes;
  private int publishWaitReplicas;
  private long idempotencyWindowMs;

  /** The defaults: {@value #DEFAULT_PUBLISH_TIMEOUT_MS} ms deadline, no replication receipts. */
  public PublishOptions() {
    publishTimeoutMs = DEFAULT_PUBLISH_TIMEOUT_MS;
    maxPendingPublishes = DEFAULT_MAX_PENDING_PUBLISHES;
    idempotencyWindowMs = DEFAULT_IDEMPOTENCY_WINDOW_MS;
  }

  /** A copy of {@code other}. */
  public PublishOptions(PublishOptions other) {
    this(other.toJson());
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public PublishOptions(JsonObject json) {
    this();
    OptionsJson.read("publish.", json, this, PublishOptionsConverter::fromJson);
    OptionsJson.verify("publish.", json, toJson());
  }

  /** Every option as JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    PublishOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public PublishOptions validate() {
    PUBLISH_TIMEOUT_MS.check("publish.publishTimeoutMs", publishTimeoutMs);
    MAX_PENDING_PUBLISHES.check("publish.maxPendingPublishes", maxPendingPublishes);
    WAIT_REPLICAS.check("publish.publishWaitReplicas", publishWaitReplicas);
    IDEMPOTENCY_WINDOW_MS.check("publish.idempotencyWindowMs", idempotencyWindowMs);
    return this;
  }

  /** Deadline of a publish, reconnects included, in ms. */
  public long getPublishTimeoutMs() {
    return publishTimeoutMs;
  }

  /**
   * Sets the deadline of a publish, reconnects and replication receipts included: a publish Redis has not confirmed
   * by then fails with {@link BusException.Timeout} (its outcome unknown). In {@link #PUBLISH_TIMEOUT_MS}; default
   * {@value #DEFAULT_PUBLISH_TIMEOUT_MS} ms.
   *
   * @return this
   */
  public PublishOptions setPublishTimeoutMs(long publishTimeoutMs) {
    this.publishTimeoutMs = publishTimeoutMs;
    return this;
  }

  /** Most publishes waiting for Redis. */
  public int getMaxPendingPublishes() {
    return maxPendingPublishes;
  }

  /**
   * Sets the most publishes waiting for Redis; more fail at once with {@link BusException.Backpressure}. In
   * {@link #MAX_PENDING_PUBLISHES}; default {@value #DEFAULT_MAX_PENDING_PUBLISHES}.
   *
   * @return this
   */
  public PublishOptions setMaxPendingPublishes(int maxPendingPublishes) {
    this.maxPendingPublishes = maxPendingPublishes;
    return this;
  }

  /** Replicas every publish waits for, 0 for none. */
  public int getPublishWaitReplicas() {
    return publishWaitReplicas;
  }

  /**
   * Sets the replicas every publish waits for. When above 0, every publish is followed by {@code WAIT n} on the
   * master that stored it, and fails with {@link BusException.NotReplicated} (which carries the message's id) unless
   * that many replicas acknowledged it within the publish timeout. Redis replication is asynchronous: without it, a
   * failover loses the messages the master acknowledged but had not yet sent to the promoted replica. With it, a
   * successful publish has reached that many replicas, which narrows the window to a replica failing over without
   * them (it does not close it: WAIT does not make Redis strongly consistent). It costs a round trip per publish,
   * and while a master has fewer replicas than required every publish to it waits for the whole timeout. A server
   * that refuses WAIT (ElastiCache Serverless) fails the first publish with an error naming it. In
   * {@link #WAIT_REPLICAS}; default 0.
   *
   * @return this
   */
  public PublishOptions setPublishWaitReplicas(int publishWaitReplicas) {
    this.publishWaitReplicas = publishWaitReplicas;
    return this;
  }

  /** How long a partition remembers a message's idempotency key, in ms. */
  public long getIdempotencyWindowMs() {
    return idempotencyWindowMs;
  }

  /**
   * Sets how long a partition remembers the idempotency key of a message published with one
   * ({@link OutgoingMessage#idempotencyKey}): a publish with the same key within this time of the first stores nothing
   * and gets the first message's id; after it, the key is forgotten and a publish with it stores a new message.
   * Memory: one hash field and one sorted-set member per key remembered, per partition. In
   * {@link #IDEMPOTENCY_WINDOW_MS}; default {@value #DEFAULT_IDEMPOTENCY_WINDOW_MS} ms (24 h).
   *
   * @return this
   */
  public PublishOptions setIdempotencyWindowMs(long idempotencyWindowMs) {
    this.idempotencyWindowMs = idempotencyWindowMs;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublishOptions other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
