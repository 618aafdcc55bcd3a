package io.streambus;

/**
 * Names of the Micrometer meters the bus registers. Every meter has a {@code topic} tag; consumer-side meters also
 * a {@code group} tag. Prometheus renders dots as underscores and adds {@code _total} to counters.
 */
public final class BusMeters {
  private BusMeters() {
  }

  /** Counter: messages stored by publish (delayed ones when scheduled). */
  public static final String PUBLISHED = "streambus.published";
  /** Counter: publishes that failed (timeout, backpressure, Redis error). */
  public static final String PUBLISH_FAILED = "streambus.publish.failed";
  /**
   * Counter: publishes with an idempotency key that stored nothing because a publish with the same key had stored the
   * message within the idempotency window; they succeeded with the first message's id.
   */
  public static final String PUBLISH_DUPLICATE = "streambus.publish.duplicate";
  /**
   * Counter: among {@link #PUBLISH_DUPLICATE}, those whose payload differed from the first message's: an idempotency
   * key reused for another message (a client bug). They too got the first message's id and stored nothing.
   */
  public static final String PUBLISH_DUPLICATE_MISMATCH = "streambus.publish.duplicate.mismatch";
  /** Counter: deliveries to handlers (redeliveries included). */
  public static final String DELIVERED = "streambus.delivered";
  /** Counter: deliveries of a message delivered before (delivery count above 1): the duplicates at-least-once costs. */
  public static final String REDELIVERED = "streambus.redelivered";
  /** Counter: messages acknowledged after their handler succeeded. */
  public static final String ACKED = "streambus.acked";
  /** Counter: handler failures (errors, throws, timeouts). */
  public static final String FAILED = "streambus.failed";
  /** Counter: failed messages scheduled for another delivery. */
  public static final String RETRIED = "streambus.retried";
  /** Counter: pending messages taken over from stalled or dead consumers. */
  public static final String RECLAIMED = "streambus.reclaimed";
  /** Counter: messages moved to the dead-letter stream. */
  public static final String DEAD_LETTERED = "streambus.deadlettered";
  /** Counter: pending ids whose entry had been trimmed or deleted; acknowledged and dropped. */
  public static final String PENDING_TRIMMED = "streambus.pending.trimmed";
  /**
   * Counter: messages whose lease this consumer lost while it held them (a pause longer than the claim min idle, or
   * another process took over the consumer name): a peer took them over, and this consumer left them alone.
   */
  public static final String LEASE_LOST = "streambus.lease.lost";
  /** Counter: entries replayed to another group, skipped by this one. */
  public static final String SKIPPED = "streambus.skipped";
  /** Counter: entries removed by trimming that every group had acknowledged. */
  public static final String TRIMMED = "streambus.trimmed";
  /** Counter: entries removed by a MAXLEN cap before every group had read and acknowledged them. */
  public static final String TRIMMED_UNACKED = "streambus.trimmed.unacked";
  /** Timer: handler time, tag {@code outcome} = success / failure. */
  public static final String HANDLER_TIME = "streambus.handler.duration";
  /** Timer: from the entry id's timestamp to the acknowledgement being queued. */
  public static final String END_TO_END = "streambus.end_to_end.latency";
  /** Gauge: stream length (per partition, tag {@code partition}). */
  public static final String STREAM_LENGTH = "streambus.stream.length";
  /** Gauge: entries not yet delivered to the group (per partition). */
  public static final String GROUP_LAG = "streambus.group.lag";
  /** Gauge: pending (delivered, unacknowledged) entries of the group (per partition). */
  public static final String GROUP_PENDING = "streambus.group.pending";
  /** Gauge: handler calls in flight in this process. */
  public static final String IN_FLIGHT = "streambus.inflight";
  /**
   * Gauge: 1 while the group is paused ({@code BusAdmin.pauseGroup}) as this process's subscriptions of it last saw
   * it at their renewal, else 0.
   */
  public static final String GROUP_PAUSED = "streambus.group.paused";
  /** Counter: requests stored for a responder ({@link StreamBus#request}); tag {@code topic}. */
  public static final String REQUEST_SENT = "streambus.request.sent";
  /**
   * Counter: replies handed to a waiting request, tag {@code outcome} = {@code success} / {@code failure} (the
   * responder failed).
   */
  public static final String REQUEST_REPLIED = "streambus.request.replied";
  /** Counter: requests that got no reply within their timeout. */
  public static final String REQUEST_TIMEOUT = "streambus.request.timeout";
  /** Counter: requests refused at once because no responder served the topic's partition (nothing was stored). */
  public static final String REQUEST_NO_RESPONDER = "streambus.request.no_responder";
  /** Counter: requests failed because the requesting bus closed while they waited. */
  public static final String REQUEST_CANCELLED = "streambus.request.cancelled";
  /**
   * Counter: replies that found no waiting request (it had timed out or been answered already: a redelivered request
   * answered twice); dropped.
   */
  public static final String REQUEST_LATE = "streambus.request.late";
  /**
   * Counter (responder side, tags {@code topic}, {@code group}): requests acknowledged without a reply because their
   * deadline had passed, tag {@code when} = {@code before_start} (not handed to the handler) / {@code after_failure}
   * (the handler failed after the deadline: not retried).
   */
  public static final String REQUEST_EXPIRED = "streambus.request.expired";
  /**
   * Counter (responder side, tags {@code topic}, {@code group}): replies added to a requester's reply stream, tag
   * {@code outcome} = {@code success} / {@code failure}. A request answered twice (redelivered after its reply) is
   * counted twice here and once in {@link #REQUEST_REPLIED}, the other in {@link #REQUEST_LATE}.
   */
  public static final String REQUEST_ANSWERED = "streambus.request.answered";
  /** Counter (responder side): replies not added because the requester's reply stream was gone (it died or closed). */
  public static final String REQUEST_ANSWER_DROPPED = "streambus.request.answer.dropped";
  /** Timer: from sending a request to its reply being handed over (replies of both outcomes). */
  public static final String REQUEST_ROUND_TRIP = "streambus.request.round_trip";
}
