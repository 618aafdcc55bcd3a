package io.streambus.impl.request;

import io.micrometer.core.instrument.Timer;
import io.streambus.BusException;
import io.streambus.BusException.RequestFailed;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.OutgoingMessage;
import io.streambus.Reply;
import io.streambus.RequestOptions;
import io.streambus.Topics;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.wire.EntryCodec;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.ReplyCodec;
import io.streambus.impl.wire.RequestScript;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requesting side of a bus: sends each request (request.lua: stored only while a responder is present), keeps
 * the requests waiting for their replies by id, and completes each exactly once: with its reply (from the
 * {@link ReplyInbox}), its timeout, or the bus's close. A reply for no waiting request is dropped and counted.
 * Thread-safe: requests come from any thread; the waiting requests' timers and the inbox run on a context of the
 * requester's own (a small verticle it deploys on first use), so that no caller's undeployment cancels them.
 */
public final class Requester implements ReplyInbox.Sink {
  private final Vertx vertx;
  private final RedisChannel commands;
  /** Creates the inbox's read connection on first use. */
  private final Connections connections;
  private final Keys keys;
  private final BusOptions options;
  private final RequestOptions requests;
  private final TopicRegistry topics;
  private final Meters meters;
  private final String instance;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final AtomicLong roundRobin = new AtomicLong();
  private Future<Started> started;
  private volatile boolean closed;

  /** Opens the inbox's connection of its own. */
  public interface Connections {
    RedisChannel create(String name);
  }

  private record Started(Context context, ReplyInbox inbox, String deploymentId) {
  }

  /** A request waiting for its reply: completed once, by whoever removes it from the table. */
  private static final class Waiting {
    final String topic;
    final String requestId;
    final Promise<Reply> promise;
    /** The caller's context (null off any), where the future completes. */
    final Context caller;
    final long startNanos;
    volatile long timer = -1;

    Waiting(String topic, String requestId, Promise<Reply> promise, Context caller) {
      this.topic = topic;
      this.requestId = requestId;
      this.promise = promise;
      this.caller = caller;
      this.startNanos = System.nanoTime();
    }
  }

  /** @param instance this bus instance's id: names its reply stream, and is what requests carry as reply address */
  public Requester(Vertx vertx, RedisChannel commands, Connections connections, Keys keys, BusOptions options,
                   TopicRegistry topics, Meters meters, String instance) {
    this.vertx = vertx;
    this.commands = commands;
    this.connections = connections;
    this.keys = keys;
    this.options = options;
    this.requests = options.getRequests();
    this.topics = topics;
    this.meters = meters;
    this.instance = instance;
  }

  /** This bus instance's id (the requests' reply address). */
  public String instance() {
    return instance;
  }

  /** Sends a request; see {@link io.streambus.StreamBus#request(OutgoingMessage, long)}. */
  public Future<Reply> request(OutgoingMessage message, long timeoutMs) {
    if (closed) {
      return Future.failedFuture(new BusException.Closed("the bus is closed"));
    }
    if (!Topics.isValidName(message.topic())) {
      return Future.failedFuture(new IllegalArgumentException(
          "topic must be 1-200 of [A-Za-z0-9._-], was '" + message.topic() + "'"));
    }
    if (!RequestOptions.REQUEST_TIMEOUT_MS.contains(timeoutMs)) {
      return Future.failedFuture(new IllegalArgumentException("timeoutMs must be "
          + RequestOptions.REQUEST_TIMEOUT_MS + ", was " + timeoutMs));
    }
    if (message.deliverAt() > 0 || message.idempotencyKey() != null) {
      return Future.failedFuture(new IllegalArgumentException(
          "a request cannot be delayed (deliverAt / delay) or carry an idempotency key"));
    }
    String topic = message.topic();
    String requestId = UUID.randomUUID().toString();
    long deadline = System.currentTimeMillis() + timeoutMs;
    // encoded now: the caller may change the message once request() has returned
    List<Object> fields = EntryCodec.encode(message, Map.of(ReplyCodec.REQUEST_ID, requestId,
        ReplyCodec.REPLY_TO, instance, ReplyCodec.DEADLINE, Long.toString(deadline)));
    Promise<Reply> promise = Promise.promise();
    Waiting w = new Waiting(topic, requestId, promise, Vertx.currentContext());
    Future<Started> ready = started();
    ready.onComplete(s -> {
      if (s.failed()) {
        promise.tryFail(s.cause());
        return;
      }
      // waiting before the request is stored: a fast responder's reply may come before the store's own reply
      waiting.put(requestId, w);
      s.result().context().runOnContext(v -> {
        if (waiting.containsKey(requestId)) {
          // from now to the deadline the request carries (the first request waited for its reply stream)
          w.timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis()), t -> timedOut(w));
        }
      });
      if (closed) {
        cancel(w);
        return;
      }
      topics.ensure(topic)
          .compose(partitions -> {
            int partition = message.key() != null ? Topics.partitionOf(message.key(), partitions)
                : (int) Math.floorMod(roundRobin.getAndIncrement(), (long) partitions);
            long storeBy = Math.min(deadline, System.currentTimeMillis() + options.getPublishTimeoutMs());
            return new RequestScript(keys.stream(topic, partition), keys.presence(topic, partition), fields)
                .run(commands, storeBy);
          })
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
              meters.counter(BusMeters.REQUEST_SENT, topic).increment();
            } else if (ar.succeeded()) {
              if (finish(w)) {
                meters.counter(BusMeters.REQUEST_NO_RESPONDER, topic).increment();
                fail(w, new RequestFailed(RequestFailed.Kind.NO_RESPONDER, topic, requestId, null, null,
                    "no responder serves topic '" + topic + "'"));
              }
            } else if (System.currentTimeMillis() >= deadline) {
              timedOut(w); // the store's deadline was the request's: whether it was stored is unknown
            } else if (finish(w)) {
              fail(w, ar.cause());
            }
          });
    });
    return promise.future();
  }

  private synchronized Future<Started> started() {
    if (started == null) {
      Promise<Started> p = Promise.promise();
      started = p.future();
      RedisChannel reads = connections.create("reply stream reads");
      Holder holder = new Holder(reads);
      vertx.deployVerticle(holder).onComplete(d -> {
        if (d.failed()) {
          reads.close();
          synchronized (Requester.this) {
            started = null; // the next request tries again
          }
          p.fail(d.cause());
        } else {
          p.complete(new Started(holder.context(), holder.inbox, d.result()));
        }
      });
    }
    return started;
  }

  /** The verticle whose context the inbox and the timers run on; starting it creates the reply stream. */
  private final class Holder extends VerticleBase {
    private final RedisChannel reads;
    private ReplyInbox inbox;

    Holder(RedisChannel reads) {
      this.reads = reads;
    }

    Context context() {
      return context;
    }

    @Override
    public Future<?> start() {
      inbox = new ReplyInbox(context, reads, commands, keys.inbox(instance), requests.getReplyTtlMs(),
          options.getPublishTimeoutMs(), Requester.this);
      return inbox.start();
    }

    @Override
    public Future<?> stop() {
      return inbox.close();
    }
  }

  /** A reply read from the inbox. */
  @Override
  public void accept(ReplyCodec.Decoded reply) {
    Waiting w = waiting.get(reply.requestId());
    if (w == null || !finish(w)) {
      meters.counter(BusMeters.REQUEST_LATE, reply.topic() == null ? "unknown" : reply.topic()).increment();
      return;
    }
    Timer roundTrip = meters.roundTrip(w.topic);
    roundTrip.record(System.nanoTime() - w.startNanos, TimeUnit.NANOSECONDS);
    if (reply.ok()) {
      meters.counter(BusMeters.REQUEST_REPLIED, w.topic, null, "outcome", "success").increment();
      complete(w, new DefaultReply(reply.requestId(), reply.responder(), reply.payload(), reply.contentType(),
          reply.headers()));
    } else {
      meters.counter(BusMeters.REQUEST_REPLIED, w.topic, null, "outcome", "failure").increment();
      fail(w, new RequestFailed(RequestFailed.Kind.RESPONDER_FAILED, w.topic, w.requestId, reply.responder(),
          reply.errorType(), "responder " + reply.responder() + " failed: " + reply.errorType() + ": "
          + reply.error()));
    }
  }

  private void timedOut(Waiting w) {
    if (finish(w)) {
      meters.counter(BusMeters.REQUEST_TIMEOUT, w.topic).increment();
      fail(w, new RequestFailed(RequestFailed.Kind.TIMEOUT, w.topic, w.requestId, null, null,
          "no reply to request " + w.requestId + " on topic '" + w.topic + "' in time"));
    }
  }

  private void cancel(Waiting w) {
    if (finish(w)) {
      meters.counter(BusMeters.REQUEST_CANCELLED, w.topic).increment();
      fail(w, new RequestFailed(RequestFailed.Kind.CANCELLED, w.topic, w.requestId, null, null,
          "the bus was closed while request " + w.requestId + " waited for its reply"));
    }
  }

  /** True for the one caller that takes {@code w} out of the table: that caller completes it. */
  private boolean finish(Waiting w) {
    if (!waiting.remove(w.requestId, w)) {
      return false;
    }
    long timer = w.timer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return true;
  }

  private static void complete(Waiting w, Reply reply) {
    if (w.caller == null) {
      w.promise.tryComplete(reply);
    } else {
      w.caller.runOnContext(v -> w.promise.tryComplete(reply));
    }
  }

  private static void fail(Waiting w, Throwable e) {
    if (w.caller == null) {
      w.promise.tryFail(e);
    } else {
      w.caller.runOnContext(v -> w.promise.tryFail(e));
    }
  }

  /** Requests waiting for their reply now. */
  public int waiting() {
    return waiting.size();
  }

  /** Fails every waiting request (CANCELLED), stops the inbox and deletes the reply stream. Idempotent. */
  public Future<Void> close() {
    Future<Started> s;
    synchronized (this) {
      closed = true;
      s = started;
    }
    new ArrayList<>(waiting.values()).forEach(this::cancel);
    if (s == null) {
      return Future.succeededFuture();
    }
    return s.transform(ar -> ar.failed() ? Future.succeededFuture()
        : vertx.undeploy(ar.result().deploymentId()).recover(e -> Future.succeededFuture()));
  }
}
