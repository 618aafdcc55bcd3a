package io.streambus;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

import java.util.Objects;

/**
 * How a subscription consumes: concurrency, retries, reclaim of stalled peers' messages, draining on close.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ConsumerOptions {
  /** Default handler calls in flight per subscription: {@value}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  /** Default deliveries before a message is dead-lettered: {@value}. */
  public static final int DEFAULT_MAX_DELIVERIES = 5;
  /** Default longest wait of one blocking read: {@value} ms. */
  public static final long DEFAULT_BLOCK_MS = 2_000;
  /**
   * Default idle time after which a message pending on a consumer that stopped renewing its lease is taken over:
   * {@value} ms. With the default reclaim interval, a crashed consumer's messages move to a peer within 10 s.
   */
  public static final long DEFAULT_CLAIM_MIN_IDLE_MS = 8_000;
  /** Default period of the reclaim scan (and of the gauges): {@value} ms. */
  public static final long DEFAULT_RECLAIM_INTERVAL_MS = 2_000;
  /** Default handler deadline: {@value} ms. */
  public static final long DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
  /** Default drain deadline on close: {@value} ms. */
  public static final long DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
  /** Default acknowledgements sent in one XACK: {@value}. */
  public static final int DEFAULT_ACK_BATCH_SIZE = 256;
  /**
   * The most acknowledgements in one step: {@value}. Managed services bound a request's size (ElastiCache Serverless
   * refuses more than 3,999 arguments), and the bus keeps to that on every server.
   */
  public static final int MAX_ACK_BATCH_SIZE = 1_000;
  /** Default idle time after which a consumer that holds nothing is removed from its group: {@value} ms (1 h). */
  public static final long DEFAULT_CONSUMER_CLEANUP_IDLE_MS = 3_600_000;

  /** Handler calls in flight: 1 to 100,000. */
  public static final OptionRange MAX_IN_FLIGHT = OptionRange.of(1, 100_000);
  /** Deliveries before a dead letter: 1 to 1,000,000. */
  public static final OptionRange MAX_DELIVERIES = OptionRange.of(1, 1_000_000);
  /** One blocking read's longest wait: 1 ms to a minute. */
  public static final OptionRange BLOCK_MS = OptionRange.of(1, 60_000);
  /** The claim min idle: 1 ms to a day. */
  public static final OptionRange CLAIM_MIN_IDLE_MS = OptionRange.of(1, 86_400_000);
  /** The reclaim period: 1 ms to a day. */
  public static final OptionRange RECLAIM_INTERVAL_MS = OptionRange.of(1, 86_400_000);
  /** The handler deadline: 1 ms to a day. */
  public static final OptionRange HANDLER_TIMEOUT_MS = OptionRange.of(1, 86_400_000);
  /** The drain deadline on close: 0 to an hour. */
  public static final OptionRange CLOSE_TIMEOUT_MS = OptionRange.of(0, 3_600_000);
  /** Acknowledgements in one step: 1 to {@value #MAX_ACK_BATCH_SIZE}. */
  public static final OptionRange ACK_BATCH_SIZE = OptionRange.of(1, MAX_ACK_BATCH_SIZE);
  /** The idle time before an idle consumer is removed: 0 (never) or more ms. */
  public static final OptionRange CONSUMER_CLEANUP_IDLE_MS = OptionRange.atLeast(0);
  /** Handler calls started per second: 0 (unlimited) to 10,000,000. */
  public static final OptionRange MAX_RATE_PER_SECOND = OptionRange.of(0, 10_000_000);

  private String consumerName;
  private int maxInFlight;
  private int maxDeliveries;
  private long blockMs;
  private long claimMinIdleMs;
  private long reclaimIntervalMs;
  private long handlerTimeoutMs;
  private long closeTimeoutMs;
  private int ackBatchSize;
  private long consumerCleanupIdleMs;
  private double maxRatePerSecond;
  private boolean acceptForeignEntries;
  private Ordering ordering;
  private StartPosition startPosition;
  private RetryOptions retry;
  private ConsumerListener listener;

  /** The defaults: the {@code DEFAULT_*} constants, {@link Ordering#NONE}, {@link StartPosition#NEW}. */
  public ConsumerOptions() {
    maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    maxDeliveries = DEFAULT_MAX_DELIVERIES;
    blockMs = DEFAULT_BLOCK_MS;
    claimMinIdleMs = DEFAULT_CLAIM_MIN_IDLE_MS;
    reclaimIntervalMs = DEFAULT_RECLAIM_INTERVAL_MS;
    handlerTimeoutMs = DEFAULT_HANDLER_TIMEOUT_MS;
    closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS;
    ackBatchSize = DEFAULT_ACK_BATCH_SIZE;
    consumerCleanupIdleMs = DEFAULT_CONSUMER_CLEANUP_IDLE_MS;
    acceptForeignEntries = true;
    ordering = Ordering.NONE;
    startPosition = StartPosition.NEW;
    retry = new RetryOptions();
    listener = ConsumerListener.logging();
  }

  /** A copy of {@code other} (the listener is shared, not copied). */
  public ConsumerOptions(ConsumerOptions other) {
    this(other.toJson());
    listener = other.listener;
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults. The listener is not JSON.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public ConsumerOptions(JsonObject json) {
    this();
    OptionsJson.read("", json, this, ConsumerOptionsConverter::fromJson);
    OptionsJson.verify("", json, toJson());
  }

  /** Every option but the listener as JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ConsumerOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public ConsumerOptions validate() {
    if (consumerName != null && !consumerName.matches("[A-Za-z0-9._:@-]{1,200}")) {
      throw new OptionException("consumerName",
          "consumerName must be 1-200 of [A-Za-z0-9._:@-], was '" + consumerName + "'");
    }
    MAX_IN_FLIGHT.check("maxInFlight", maxInFlight);
    MAX_DELIVERIES.check("maxDeliveries", maxDeliveries);
    BLOCK_MS.check("blockMs", blockMs);
    CLAIM_MIN_IDLE_MS.check("claimMinIdleMs", claimMinIdleMs);
    RECLAIM_INTERVAL_MS.check("reclaimIntervalMs", reclaimIntervalMs);
    HANDLER_TIMEOUT_MS.check("handlerTimeoutMs", handlerTimeoutMs);
    CLOSE_TIMEOUT_MS.check("closeTimeoutMs", closeTimeoutMs);
    if (!ACK_BATCH_SIZE.contains(ackBatchSize)) {
      throw new OptionException("ackBatchSize", "ackBatchSize must be " + ACK_BATCH_SIZE
          + " (a request of more than 3,999 arguments is refused by ElastiCache Serverless), was " + ackBatchSize);
    }
    CONSUMER_CLEANUP_IDLE_MS.check("consumerCleanupIdleMs", consumerCleanupIdleMs);
    MAX_RATE_PER_SECOND.check("maxRatePerSecond", maxRatePerSecond);
    requireSet("startPosition", startPosition);
    requireSet("ordering", ordering);
    requireSet("retry", retry);
    requireSet("listener", listener);
    retry.validate("retry.");
    return this;
  }

  private static void requireSet(String field, Object value) {
    if (value == null) {
      throw new OptionException(field, field + " must not be null");
    }
  }

  /**
   * The consumer name in the group; null (default) generates {@code <host>-<pid>-<n>}, unique per subscription. A
   * fixed name lets a restarted process take back what its predecessor held at once; a name is held by one running
   * subscription at a time: one that starts with a name another live process holds takes it over, and the other
   * process's subscription stops at its next step (reported to its listener), so give each process its own name.
   */
  public String getConsumerName() {
    return consumerName;
  }

  /**
   * Sets {@link #getConsumerName()} (1-200 of {@code [A-Za-z0-9._:@-]}, or null).
   *
   * @return this
   */
  public ConsumerOptions setConsumerName(String consumerName) {
    this.consumerName = consumerName;
    return this;
  }

  /** Most handler calls outstanding at once; reads ask Redis only for free slots. Default {@value #DEFAULT_MAX_IN_FLIGHT}. */
  public int getMaxInFlight() {
    return maxInFlight;
  }

  /**
   * Sets {@link #getMaxInFlight()}, in {@link #MAX_IN_FLIGHT}.
   *
   * @return this
   */
  public ConsumerOptions setMaxInFlight(int maxInFlight) {
    this.maxInFlight = maxInFlight;
    return this;
  }

  /**
   * Deliveries after which a failing message is dead-lettered: a message is handed to handlers at most this many
   * times (deliveries to consumers that died count too). Default {@value #DEFAULT_MAX_DELIVERIES}.
   */
  public int getMaxDeliveries() {
    return maxDeliveries;
  }

  /**
   * Sets {@link #getMaxDeliveries()}, in {@link #MAX_DELIVERIES}.
   *
   * @return this
   */
  public ConsumerOptions setMaxDeliveries(int maxDeliveries) {
    this.maxDeliveries = maxDeliveries;
    return this;
  }

  /** Longest wait of one {@code XREADGROUP BLOCK}, in ms; bounds how fast close() stops reading. Default {@value #DEFAULT_BLOCK_MS}. */
  public long getBlockMs() {
    return blockMs;
  }

  /**
   * Sets {@link #getBlockMs()}, in {@link #BLOCK_MS}.
   *
   * @return this
   */
  public ConsumerOptions setBlockMs(long blockMs) {
    this.blockMs = blockMs;
    return this;
  }

  /**
   * How long a message must sit pending without its holder renewing its lease before another consumer of the group
   * takes it over, in ms. Default {@value #DEFAULT_CLAIM_MIN_IDLE_MS}.
   *
   * <p>A subscription renews the lease of every message it holds (queued, in its handler, being settled) several
   * times per claim min idle, so this bounds failover time, not handler time: a handler may run for as long as
   * {@link #getHandlerTimeoutMs()} allows. A message moves to a peer only when its holder died, or paused (or lost
   * Redis) for longer than this; the old holder then leaves it alone ({@link ConsumerListener#onLeaseLost}). The
   * members of a group may use different values: every member renews at the pace the smallest one needs. A crashed
   * consumer's messages move within this plus {@link #getReclaimIntervalMs()}.
   */
  public long getClaimMinIdleMs() {
    return claimMinIdleMs;
  }

  /**
   * Sets {@link #getClaimMinIdleMs()}, in {@link #CLAIM_MIN_IDLE_MS}.
   *
   * @return this
   */
  public ConsumerOptions setClaimMinIdleMs(long claimMinIdleMs) {
    this.claimMinIdleMs = claimMinIdleMs;
    return this;
  }

  /**
   * Period of the reclaim scan that takes over messages of dead or stalled consumers (and of the gauges), in ms: a
   * crashed consumer's messages move within {@link #getClaimMinIdleMs()} plus this, and messages handed back by a
   * closing peer within this. Default {@value #DEFAULT_RECLAIM_INTERVAL_MS}.
   */
  public long getReclaimIntervalMs() {
    return reclaimIntervalMs;
  }

  /**
   * Sets {@link #getReclaimIntervalMs()}, in {@link #RECLAIM_INTERVAL_MS}.
   *
   * @return this
   */
  public ConsumerOptions setReclaimIntervalMs(long reclaimIntervalMs) {
    this.reclaimIntervalMs = reclaimIntervalMs;
    return this;
  }

  /**
   * A handler not done after this many ms counts as failed (retried or dead-lettered like any failure); its lease is
   * renewed until then, so this is independent of {@link #getClaimMinIdleMs()}. Default
   * {@value #DEFAULT_HANDLER_TIMEOUT_MS}.
   */
  public long getHandlerTimeoutMs() {
    return handlerTimeoutMs;
  }

  /**
   * Sets {@link #getHandlerTimeoutMs()}, in {@link #HANDLER_TIMEOUT_MS}.
   *
   * @return this
   */
  public ConsumerOptions setHandlerTimeoutMs(long handlerTimeoutMs) {
    this.handlerTimeoutMs = handlerTimeoutMs;
    return this;
  }

  /**
   * How long close() waits for running handlers, in ms; messages read but not started are handed back to the group at
   * once. Handlers still running at this deadline stay pending and move to a peer once their lease runs out. Default
   * {@value #DEFAULT_CLOSE_TIMEOUT_MS}.
   */
  public long getCloseTimeoutMs() {
    return closeTimeoutMs;
  }

  /**
   * Sets {@link #getCloseTimeoutMs()}, in {@link #CLOSE_TIMEOUT_MS}.
   *
   * @return this
   */
  public ConsumerOptions setCloseTimeoutMs(long closeTimeoutMs) {
    this.closeTimeoutMs = closeTimeoutMs;
    return this;
  }

  /**
   * Most ids per XACK; acknowledgements are also flushed at the end of each event-loop turn. Default
   * {@value #DEFAULT_ACK_BATCH_SIZE}, at most {@value #MAX_ACK_BATCH_SIZE}.
   */
  public int getAckBatchSize() {
    return ackBatchSize;
  }

  /**
   * Sets {@link #getAckBatchSize()}, in {@link #ACK_BATCH_SIZE}.
   *
   * @return this
   */
  public ConsumerOptions setAckBatchSize(int ackBatchSize) {
    this.ackBatchSize = ackBatchSize;
    return this;
  }

  /**
   * Consumers of the group idle longer than this (ms) and holding no pending message are removed from the group
   * (XGROUP DELCONSUMER); 0 disables the cleanup. Default {@value #DEFAULT_CONSUMER_CLEANUP_IDLE_MS}.
   */
  public long getConsumerCleanupIdleMs() {
    return consumerCleanupIdleMs;
  }

  /**
   * Sets {@link #getConsumerCleanupIdleMs()}, in {@link #CONSUMER_CLEANUP_IDLE_MS}.
   *
   * @return this
   */
  public ConsumerOptions setConsumerCleanupIdleMs(long consumerCleanupIdleMs) {
    this.consumerCleanupIdleMs = consumerCleanupIdleMs;
    return this;
  }

  /** Most handler calls started per second (protects a slow downstream); 0 (default) means unlimited. */
  public double getMaxRatePerSecond() {
    return maxRatePerSecond;
  }

  /**
   * Sets {@link #getMaxRatePerSecond()}, in {@link #MAX_RATE_PER_SECOND}.
   *
   * @return this
   */
  public ConsumerOptions setMaxRatePerSecond(double maxRatePerSecond) {
    this.maxRatePerSecond = maxRatePerSecond;
    return this;
  }

  /**
   * Whether entries without a {@code payload} field (written by other clients) reach the handler (true, default;
   * {@link Message#fields()} has their data) or are dead-lettered at once with the reason "foreign entry".
   */
  public boolean isAcceptForeignEntries() {
    return acceptForeignEntries;
  }

  /**
   * Sets {@link #isAcceptForeignEntries()}.
   *
   * @return this
   */
  public ConsumerOptions setAcceptForeignEntries(boolean acceptForeignEntries) {
    this.acceptForeignEntries = acceptForeignEntries;
    return this;
  }

  /**
   * The order in which handlers see a partition's messages. Default {@link Ordering#NONE}: no order of processing.
   * With {@link Ordering#PARTITION} or {@link Ordering#KEY}, each partition is owned by one member of the group at a
   * time, so a topic with P partitions keeps at most P members busy (the others stand by); the
   * claim min idle is then also how long a dead owner's partitions wait before another member takes them.
   */
  public Ordering getOrdering() {
    return ordering;
  }

  /** Sets {@link #getOrdering()}; every member of a group must use the same. */
  public ConsumerOptions setOrdering(Ordering ordering) {
    this.ordering = ordering;
    return this;
  }

  /** Where a group created by this subscription starts. Default {@link StartPosition#NEW}. */
  public StartPosition getStartPosition() {
    return startPosition;
  }

  /**
   * Sets {@link #getStartPosition()}; not null. Only used when this subscription creates the group.
   *
   * @return this
   */
  public ConsumerOptions setStartPosition(StartPosition startPosition) {
    this.startPosition = startPosition;
    return this;
  }

  /** Backoff between deliveries of a failed message. */
  public RetryOptions getRetry() {
    return retry;
  }

  /**
   * Sets {@link #getRetry()} (kept as given, not copied); not null.
   *
   * @return this
   */
  public ConsumerOptions setRetry(RetryOptions retry) {
    this.retry = retry;
    return this;
  }

  /** Receives errors and notable events. Default {@link ConsumerListener#logging()}. */
  @GenIgnore
  public ConsumerListener getListener() {
    return listener;
  }

  /**
   * Sets {@link #getListener()}: told of lease losses, fencing, dead letters and failures; not null (default: logs them).
   *
   * @return this
   */
  @GenIgnore
  public ConsumerOptions setListener(ConsumerListener listener) {
    this.listener = listener;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsumerOptions other && toJson().equals(other.toJson())
        && Objects.equals(listener, other.listener);
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
