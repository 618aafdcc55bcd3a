package io.streambus;

import io.streambus.admin.DeadLetters;
import io.streambus.admin.BusAdmin;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.streambus.impl.DefaultStreamBus;
import io.micrometer.core.instrument.Metrics;
import io.streambus.impl.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Objects;

/**
 * The entry point of Streambus: publish messages to topics and consume them in consumer groups, on Redis Streams.
 *
 * <p>A topic is split into {@link BusOptions#getPartitions() partitions}; each partition is one Redis stream whose
 * keys share one hash tag ({@code <prefix>:{<topic>:<p>}}), so every partition lives in one Redis Cluster slot and the
 * bus's Lua scripts on it are atomic. Every group of a topic receives every message (fan-out); within a group each
 * message goes to one subscription at a time.
 *
 * <p>Delivery is <em>at least once</em>: a message is acknowledged only after its handler's future succeeds. A message
 * whose consumer dies or stalls stays pending and is reclaimed by a peer of the same group; a message that fails
 * {@link ConsumerOptions#getMaxDeliveries()} times is moved to the partition's dead-letter stream. Handlers must
 * therefore be idempotent: after a crash or a lost acknowledgement a message can be delivered again.
 *
 * <p>All methods are non-blocking, return a {@link Future} and never throw: a bad argument gives a failed future.
 * Instances are thread-safe. One instance holds a small number of Redis connections (one for commands, plus one
 * dedicated blocking-read connection per partition of each subscription); share it within a process.
 *
 * <p><b>Tracing.</b> With an OpenTelemetry SDK (the {@link GlobalOpenTelemetry} registered when the bus is created,
 * or the one given to {@link #create(Vertx, BusOptions, MeterRegistry, OpenTelemetry)}), every publish is a producer
 * span ({@code publish <topic>}), a child of the caller's current span, whose trace context the entry carries in its
 * headers ({@code h:traceparent}, {@code h:tracestate} with the default W3C propagator; a header of the same name set
 * by the publisher is replaced). Every delivery is a consumer span ({@code process <topic>}), a child of that producer
 * span, current while the handler runs; a retry or a reclaimed delivery is another such span in the same trace, and a
 * dead letter keeps the entry's {@code h:traceparent}. Attributes follow the OpenTelemetry messaging conventions
 * ({@code messaging.system} = {@code redis_streams}, {@code messaging.destination.name}, {@code
 * messaging.destination.partition.id}, {@code messaging.consumer.group.name}, {@code messaging.message.id}, ...) plus
 * {@code streambus.delivery_count}. opentelemetry-api is an optional dependency: without it, or with no SDK
 * registered, the bus makes no spans and adds no headers.
 */
public interface StreamBus {

  /**
   * Creates a bus that registers its meters in Micrometer's global registry.
   *
   * @throws IllegalArgumentException when the options are invalid (the message names the field)
   */
  static StreamBus create(Vertx vertx, BusOptions options) {
    return create(vertx, options, Metrics.globalRegistry);
  }

  /**
   * Creates a bus that registers its meters in {@code registry} and traces with the {@link GlobalOpenTelemetry} as it
   * is now, if opentelemetry-api is on the class path (register the SDK first). No Redis connection is made until the
   * first operation; use {@link #ping()} to check reachability at start-up.
   *
   * @throws IllegalArgumentException when the options are invalid (the message names the field)
   */
  static StreamBus create(Vertx vertx, BusOptions options, MeterRegistry registry) {
    return new DefaultStreamBus(vertx, new BusOptions(options).validate(), registry, Tracing.global());
  }

  /**
   * Creates a bus that registers its meters in {@code registry} and traces with {@code openTelemetry} (see "Tracing"
   * above) instead of the {@link GlobalOpenTelemetry}; {@link OpenTelemetry#noop()} turns tracing off.
   *
   * @throws IllegalArgumentException when the options are invalid (the message names the field)
   * @throws NullPointerException when {@code openTelemetry} is null
   */
  static StreamBus create(Vertx vertx, BusOptions options, MeterRegistry registry, OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new DefaultStreamBus(vertx, new BusOptions(options).validate(), registry, Tracing.of(openTelemetry));
  }

  /** Publishes {@code payload} (see {@link OutgoingMessage#of(String, Object)} for the accepted types). */
  default Future<MessageId> publish(String topic, Object payload) {
    try {
      return publish(OutgoingMessage.of(topic, payload));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Publishes one message. The future succeeds with the message's id once Redis has stored it (for a delayed message:
   * once it is scheduled). It fails with {@link BusException.Backpressure} when
   * {@link BusOptions#getMaxPendingPublishes()} publishes are already waiting, and with
   * {@link BusException.Timeout} when Redis has not confirmed within {@link BusOptions#getPublishTimeoutMs()}; in the
   * timeout case the message may or may not have been stored. While Redis is unreachable the bus reconnects by itself
   * and keeps trying until the deadline. With an {@link OutgoingMessage#idempotencyKey idempotency key}, a message
   * whose key the partition remembers is not stored again: the future succeeds with the first message's id
   * ({@link MessageId#isDuplicate()}), so a publish retried after a timeout stores the message once; a key combined
   * with a delivery time fails with {@link IllegalArgumentException}.
   */
  Future<MessageId> publish(OutgoingMessage message);

  /**
   * Publishes several messages, pipelined. The future succeeds with the ids in the same order when all are stored,
   * and fails with the first failure otherwise (some of the messages may have been stored then; with idempotency keys,
   * publishing them all again stores each once).
   */
  Future<List<MessageId>> publishAll(List<OutgoingMessage> messages);

  /**
   * Starts consuming {@code topic} as a member of {@code group}, creating the group (and the streams) when missing
   * at {@link ConsumerOptions#getStartPosition()}. The future succeeds once the group exists on every partition and
   * the read loops run. Several subscriptions (in this process or others) with the same group share the work.
   *
   * @param handler called for every message on the subscriber's Vert.x context (with tracing on: on a duplicate of it
   *     per delivery, same event loop, with context-local data of its own, so that the delivery's span stays current
   *     across the handler's asynchronous steps); never more than {@link ConsumerOptions#getMaxInFlight()} calls are
   *     outstanding at once
   */
  Future<Subscription> subscribe(String topic, String group, MessageHandler handler, ConsumerOptions options);

  /**
   * Consumes {@code topic} as a member of {@code group} into a read model held in Redis: for each message,
   * {@code projection} says which Redis writes it causes, and the bus applies them and acknowledges the message in one
   * Lua step, only if this subscription still holds the message (its lease, and with ordered processing the
   * partition). So the model sees each message's writes exactly once: a crash or a lost connection before the step
   * applies nothing and the redelivery applies them; a subscription that lost the message to a peer applies nothing
   * ({@link ConsumerListener#onLeaseLost}); a reply lost after the step does not apply them twice. Writes the bus
   * refuses, before anything is written, dead-letter the message with the reason ({@link ModelWrites} lists what is
   * accepted and checked). Everything else is as {@link #subscribe}: options, retries and dead letters of failed
   * projections, ordering, reclaim, close.
   *
   * <p>Each message costs one Lua step of its own (acknowledgements are not batched as with {@link #subscribe}).
   * Exactly once holds for the model's keys only: anything else the projection does (an HTTP call, a log line) is at
   * least once. To rebuild a model, project the topic again with a new group from {@link StartPosition#BEGINNING} into
   * keys of a new name, and switch readers over once its lag is zero (docs/operations.md, "Projections"); that replays
   * what the streams still retain, no more.
   *
   * @param projection called for every message as a {@link MessageHandler} is
   */
  Future<Subscription> project(String topic, String group, Projection projection, ConsumerOptions options);

  /**
   * Sends a request to {@code topic} (see {@link #request(OutgoingMessage, long)}) and waits for its reply at most
   * {@link RequestOptions#getRequestTimeoutMs()}.
   */
  default Future<Reply> request(String topic, Object payload) {
    try {
      return request(OutgoingMessage.of(topic, payload));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** {@link #request(OutgoingMessage, long)} with {@link RequestOptions#getRequestTimeoutMs()}. */
  Future<Reply> request(OutgoingMessage request);

  /**
   * Sends a request: a message of {@code request}'s topic that a {@link #respond responder} group answers, and whose
   * reply comes back to this bus instance only. The future succeeds with the reply, or fails with a
   * {@link BusException.RequestFailed} whose {@link BusException.RequestFailed#kind() kind} says why:
   * <ul>
   *   <li>{@code NO_RESPONDER} at once, when no responder serves the topic's partition (none is running, or the last
   *   one died at least {@link RequestOptions#getResponderTtlMs()} ago): the request is not stored;</li>
   *   <li>{@code TIMEOUT} when no reply came within {@code timeoutMs}; the request may still be handled, but a
   *   responder does not start it after its deadline (now + {@code timeoutMs}, sent with it), and a reply that comes
   *   later is dropped (counted in {@link BusMeters#REQUEST_LATE});</li>
   *   <li>{@code RESPONDER_FAILED} when the responder's handler failed for good (after its retries, or at once for a
   *   {@link BusException.NonRetryable}), with its error;</li>
   *   <li>{@code CANCELLED} when this bus is closed while the request waits.</li>
   * </ul>
   * The request is stored within the publish deadline ({@link PublishOptions#getPublishTimeoutMs()}) and the request's
   * own: a store that fails before the request's deadline fails the future as a publish would (a Redis error,
   * {@link BusException.Timeout}), one that reaches it fails it with {@code TIMEOUT}. The request is a
   * plain entry of the topic with three headers ({@code bus-request-id}, {@code bus-reply-to}, {@code bus-deadline},
   * replacing any of the message's own of those names), so every group of the topic sees it; each responder group
   * answers it, and the first answer wins. Delayed delivery and idempotency keys are refused
   * ({@link IllegalArgumentException}). Each request is answered at most once to its caller: a second reply
   * (a redelivered request answered again) is dropped and counted ({@link BusMeters#REQUEST_LATE}).
   *
   * @param timeoutMs how long to wait for the reply, in {@link RequestOptions#REQUEST_TIMEOUT_MS}
   */
  Future<Reply> request(OutgoingMessage request, long timeoutMs);

  /**
   * Answers the requests of {@code topic} as a member of {@code group}: a subscription ({@link #subscribe}) whose
   * handler's result is sent back to each requester. Members of a group share the requests; leases, reclaim,
   * retries and dead letters apply as to any message. A request whose deadline has passed when its turn comes is not
   * handed to {@code handler}: it is acknowledged, counted in {@link BusMeters#REQUEST_EXPIRED}, and not answered. An
   * entry of the topic without the request headers (a plain publish) is dead-lettered as not a request. While the
   * subscription runs it tells requesters that the topic is served (renewed three times per
   * {@link RequestOptions#getResponderTtlMs()}; withdrawn when it closes).
   *
   * <p>A reply is sent before its request is acknowledged, so a responder that dies in between answers again after
   * the redelivery; the requester drops the second answer. A request dead-lettered without reaching a handler (its
   * consumers died holding it until its deliveries ran out) is not answered: its requester times out.
   */
  Future<Subscription> respond(String topic, String group, RequestHandler handler, ConsumerOptions options);

  /** The dead letters of a topic: list, count, replay, delete, purge. */
  DeadLetters deadLetters(String topic);

  /** The read model (topics, streams, groups, consumers) that dashboards and health checks use. */
  BusAdmin admin();

  /**
   * Completes when Redis answers a PING through the command connection and the publishes can work as configured: with
   * {@link BusOptions#setPublishWaitReplicas publishWaitReplicas}, the server must run WAIT (ElastiCache Serverless
   * does not: then this fails, as every such publish does, with an error that names WAIT).
   */
  Future<Void> ping();

  /** The options this bus runs with (a copy). */
  BusOptions options();

  /**
   * Closes every subscription (draining as {@link Subscription#close()} does), fails publishes still waiting, fails
   * the requests still waiting for a reply ({@link BusException.RequestFailed.Kind#CANCELLED}), deletes this bus's
   * reply stream, and closes the Redis connections. Idempotent.
   */
  Future<Void> close();
}
