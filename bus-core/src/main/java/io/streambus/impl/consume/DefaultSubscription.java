package io.streambus.impl.consume;

import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.wire.EntryCodec;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Scripts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.streambus.BusException;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.ConsumerListener;
import io.streambus.ConsumerOptions;
import io.streambus.MessageHandler;
import io.streambus.MessageId;
import io.streambus.Subscription;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One group membership: a {@link PartitionReader} per partition, the handler dispatch and its outcome (ack, retry,
 * dead letter), and {@link Maintenance} (reclaim, due retries, delayed messages, trimming, gauges). All state is
 * confined to the context the subscription was created on.
 */
public final class DefaultSubscription implements Subscription {
  private static final int MAX_ERROR_TEXT = 1000;

  private final Vertx vertx;
  private final Context context;
  private final Keys keys;
  private final String topic;
  private final String group;
  private final String consumerName;
  private final int partitions;
  private final MessageHandler handler;
  private final ConsumerOptions options;
  private final BusOptions busOptions;
  private final Meters meters;
  private final RedisChannel commands;
  private final List<RedisChannel> readChannels = new ArrayList<>();
  private final List<PartitionReader> readers = new ArrayList<>();
  private final Slots<DefaultMessage> slots;
  private boolean rateTimerSet;
  /** Shared by every subscription of this topic and group in the process. */
  private final AtomicLong inFlightGauge;
  // resolved once: looking a meter up builds its key string, and this runs for every message
  private final Counter deliveredCounter;
  private final Counter redeliveredCounter;
  private final Counter ackedCounter;
  private final Timer handlerSucceeded;
  private final Timer handlerFailed;
  private final Timer endToEnd;
  private final AckBatcher acks;
  private final Maintenance maintenance;
  private final Runnable onClosed;
  /** Per partition, the ids this subscription holds (queued, in a handler, or being acknowledged / retried). */
  private final List<Set<String>> held = new ArrayList<>();
  private boolean paused;
  private Future<Void> closing;
  private Promise<Void> drained;

  public DefaultSubscription(Vertx vertx, Context context, Channels channels, Keys keys, String topic, String group,
                      String consumerName, int partitions, MessageHandler handler, ConsumerOptions options,
                      BusOptions busOptions, Meters meters, Runnable onClosed) {
    this.vertx = vertx;
    this.context = context;
    this.keys = keys;
    this.topic = topic;
    this.group = group;
    this.consumerName = consumerName;
    this.partitions = partitions;
    this.handler = handler;
    this.options = options;
    this.busOptions = busOptions;
    this.meters = meters;
    this.onClosed = onClosed;
    long backoffInitial = busOptions.getReconnectInitialMs();
    long backoffMax = busOptions.getReconnectMaxMs();
    this.commands = channels.create("commands of " + consumerName);
    this.slots = new Slots<>(options.getMaxInFlight(), options.getMaxRatePerSecond(), this::invoke,
        this::waitForRateToken);
    this.acks = new AckBatcher(context, commands, group, partitions, p -> keys.stream(topic, p), options.getAckBatchSize(),
        (stream, e) -> listener().onRedisError(stream, "XACK", e), (p, ids) -> ids.forEach(id -> settled(p, id)));
    for (int p = 0; p < partitions; p++) {
      held.add(new HashSet<>());
      RedisChannel channel = channels.create("reader of " + keys.stream(topic, p));
      readChannels.add(channel);
      readers.add(new PartitionReader(vertx, this, p, keys.stream(topic, p), channel, backoffInitial, backoffMax));
    }
    this.maintenance = new Maintenance(vertx, this);
    this.inFlightGauge = meters.gauge(BusMeters.IN_FLIGHT, "Handler calls in flight in this process", topic, group,
        -1);
    this.deliveredCounter = meters.counter(BusMeters.DELIVERED, topic, group);
    this.redeliveredCounter = meters.counter(BusMeters.REDELIVERED, topic, group);
    this.ackedCounter = meters.counter(BusMeters.ACKED, topic, group);
    this.handlerSucceeded = meters.handlerTimer(topic, group, true);
    this.handlerFailed = meters.handlerTimer(topic, group, false);
    this.endToEnd = meters.endToEnd(topic, group);
  }

  /** Creates the group on every partition, then starts the loops. Runs on the subscription's context. */
  public Future<Subscription> start() {
    List<Future<Void>> groups = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      groups.add(ensureGroup(p, options.getStartPosition().groupCreateId()));
    }
    return Future.all(groups).map(v -> {
      readers.forEach(PartitionReader::start);
      maintenance.start();
      return (Subscription) this;
    }).recover(e -> closeChannels().transform(x -> Future.failedFuture(e)));
  }

  /**
   * Recreates a group that vanished under a running subscription (deleted by hand, or lost with a failover to a
   * replica that had not received it): from the beginning of the stream, not from the configured start position.
   * Whatever the stream holds was either never delivered to the group or not acknowledged by it as far as Redis can
   * tell now; starting at "$" would silently skip what was published since the loss. Duplicates, not losses.
   */
  public Future<Void> recreateGroup(int partition) {
    return ensureGroup(partition, "0");
  }

  /** XGROUP CREATE ... MKSTREAM at {@code startId}; an existing group is fine (BUSYGROUP). */
  private Future<Void> ensureGroup(int partition, String startId) {
    Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(keys.stream(topic, partition)).arg(group)
        .arg(startId).arg("MKSTREAM");
    return commands.send(create, keys.stream(topic, partition), deadline()).<Void>mapEmpty().recover(e ->
        RedisErrors.is(e, "BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private long deadline() {
    return System.currentTimeMillis() + busOptions.getPublishTimeoutMs();
  }

  /**
   * Settles an entry without the handler when it must not reach it (replayed to another group: skipped; past the
   * delivery limit or unusable: dead-lettered), else queues it for a handler slot.
   */
  public void deliver(int partition, String id, Map<String, Buffer> fields, int deliveries) {
    if (!held.get(partition).add(id)) {
      return; // already being handled here: a claim raced with the read that brought it
    }
    String target = EntryCodec.text(fields, EntryCodec.TARGET_GROUP);
    if (target != null && !target.equals(group)) {
      acks.ack(partition, id);
      meters.counter(BusMeters.SKIPPED, topic, group).increment();
      return;
    }
    DefaultMessage message = new DefaultMessage(MessageId.of(topic, partition, id), fields, deliveries);
    if (deliveries > options.getMaxDeliveries()) {
      deadLetter(message, "delivery-limit", "delivered " + (deliveries - 1)
          + " times without an acknowledgement (consumers crashed, stalled or failed)");
    } else if (fields.isEmpty()) {
      deadLetter(message, "malformed-entry", "the entry has no fields");
    } else if (message.payload() == null && !options.isAcceptForeignEntries()) {
      deadLetter(message, "foreign-entry", "the entry has no payload field; fields: " + fields.keySet());
    } else {
      slots.submit(message);
    }
  }

  /** The entry's fate is recorded in Redis (acknowledged, scheduled or dead-lettered, or that failed): let go. */
  private void settled(int partition, String id) {
    held.get(partition).remove(id);
  }

  public void recoverOwn(int partition) {
    maintenance.recoverOwn(partition);
  }

  /** The ids of {@code partition} this subscription holds: a claim must not take them. */
  public List<String> held(int partition) {
    return new ArrayList<>(held.get(partition));
  }

  private void waitForRateToken() {
    if (!rateTimerSet) {
      rateTimerSet = true;
      vertx.setTimer(slots.msUntilToken(), t -> {
        rateTimerSet = false;
        slots.pump();
      });
    }
  }

  /** One handler call; the slot is held until the handler's future completes or times out. */
  private void invoke(DefaultMessage message) {
    deliveredCounter.increment();
    inFlightGauge.incrementAndGet();
    if (message.deliveryCount() > 1) {
      redeliveredCounter.increment();
    }
    long started = System.nanoTime();
    Future<Void> f;
    try {
      f = handler.handle(message);
      if (f == null) {
        f = Future.failedFuture(new NullPointerException("handler returned null instead of a Future"));
      }
    } catch (Throwable t) {
      f = Future.failedFuture(t);
    }
    if (f.isComplete()) {
      // done already (a synchronous handler): no timeout to arm, which saves a timer per message
      completed(message, started, f);
      return;
    }
    Promise<Void> outcome = Promise.promise();
    long timeoutMs = options.getHandlerTimeoutMs();
    long remainingMs = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long timer = vertx.setTimer(Math.max(1, remainingMs), t -> outcome.tryFail(new TimeoutException(
        "handler did not complete within " + timeoutMs + " ms")));
    f.onComplete(outcome::tryComplete, outcome::tryFail);
    outcome.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      completed(message, started, ar);
    });
  }

  /** The handler's outcome: acknowledge, or retry / dead-letter; frees the slot. */
  private void completed(DefaultMessage message, long started, AsyncResult<Void> ar) {
    int partition = message.partition();
    String id = message.id().value();
    inFlightGauge.decrementAndGet();
    (ar.succeeded() ? handlerSucceeded : handlerFailed).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    if (ar.succeeded()) {
      acks.ack(partition, id);
      ackedCounter.increment();
      Meters.recordEndToEnd(endToEnd, message.id().timestamp());
    } else {
      failed(message, ar.cause());
    }
    slots.finished();
    checkDrained();
  }

  private void failed(DefaultMessage message, Throwable error) {
    meters.counter(BusMeters.FAILED, topic, group).increment();
    boolean dead = error instanceof BusException.NonRetryable
        || message.deliveryCount() >= options.getMaxDeliveries();
    safely(() -> listener().onHandlerFailure(message, error, !dead));
    if (dead) {
      deadLetter(message, error.getClass().getName(), String.valueOf(error.getMessage()));
    } else {
      scheduleRetry(message);
    }
  }

  /**
   * Leaves the message pending and records when it may be delivered again in the group's retry set. Any consumer of
   * the group claims it once due (this one need not survive); if the ZADD fails, reclaim still recovers it.
   */
  private void scheduleRetry(DefaultMessage message) {
    int partition = message.partition();
    long delay = options.getRetry().backoffMs(message.deliveryCount());
    long due = System.currentTimeMillis() + delay;
    Request zadd = Request.cmd(Command.ZADD).arg(keys.retries(topic, partition, group)).arg(due)
        .arg(message.id().value());
    commands.send(zadd, deadline()).onComplete(ar -> {
      settled(partition, message.id().value());
      if (ar.succeeded()) {
        meters.counter(BusMeters.RETRIED, topic, group).increment();
        maintenance.dueAt(due);
      } else {
        listener().onRedisError(keys.stream(topic, partition), "ZADD retry", ar.cause());
      }
    });
  }

  /** Moves the message to the dead-letter stream (atomically with its XACK). Failure leaves it pending for reclaim. */
  public void deadLetter(DefaultMessage message, String errorClass, String error) {
    int partition = message.partition();
    String stream = keys.stream(topic, partition);
    String text = error.length() > MAX_ERROR_TEXT ? error.substring(0, MAX_ERROR_TEXT) + "..." : error;
    Scripts.DEAD_LETTER.run(commands, deadline(),
            List.of(stream, keys.deadLetters(topic, partition), keys.retries(topic, partition, group)),
            group, message.id().value(), consumerName, message.deliveryCount(), errorClass, text,
            System.currentTimeMillis())
        .onComplete(ar -> {
          settled(partition, message.id().value());
          if (ar.succeeded()) {
            if (ar.result() != null) {
              meters.counter(BusMeters.DEAD_LETTERED, topic, group).increment();
              safely(() -> listener().onDeadLetter(stream, message.id().value(), errorClass + ": " + text));
            } else {
              meters.counter(BusMeters.PENDING_TRIMMED, topic, group).increment();
            }
          } else {
            listener().onRedisError(stream, "dead-letter", ar.cause());
          }
        });
  }

  private void safely(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(DefaultSubscription.class).warn("listener threw", e);
    }
  }

  /**
   * Sends CLIENT UNBLOCK for a parked read (close() uses it to stop without waiting for BLOCK to time out), in a
   * cluster to the master of the read's stream, where the client id was learnt. Should the slot have moved since,
   * it reaches another node, where at worst it ends some client's blocking call early as if it had timed out.
   */
  public void unblock(long clientId, String stream) {
    commands.send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(clientId), stream, deadline());
  }

  /** Sentinel keeps waiting for BLOCK to time out: unblocking is not tested there. */
  public boolean canUnblock() {
    return busOptions.getTopology() != BusOptions.Topology.SENTINEL;
  }

  @Override
  public void pause() {
    context.runOnContext(v -> paused = true);
  }

  @Override
  public void resume() {
    context.runOnContext(v -> {
      if (paused && closing == null) {
        paused = false;
        readers.forEach(PartitionReader::kick);
      }
    });
  }

  public boolean isPaused() {
    return paused || closing != null;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> doClose().onComplete(promise));
    return promise.future();
  }

  private Future<Void> doClose() {
    if (closing != null) {
      return closing;
    }
    maintenance.stop();
    List<Future<Void>> stopped = new ArrayList<>();
    readers.forEach(r -> stopped.add(r.stop()));
    drained = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, options.getCloseTimeoutMs()), t -> drained.tryComplete());
    closing = Future.join(stopped)
        .transform(x -> {
          checkDrained();
          return drained.future();
        })
        .transform(x -> {
          vertx.cancelTimer(timer);
          return acks.flush();
        })
        .transform(x -> removeConsumerIfIdle())
        .transform(x -> closeChannels())
        .andThen(x -> onClosed.run())
        .transform(x -> Future.succeededFuture());
    return closing;
  }

  private void checkDrained() {
    if (drained != null && slots.active() == 0) {
      drained.tryComplete();
    }
  }

  /** XGROUP DELCONSUMER on every partition where this consumer holds nothing (the script checks atomically). */
  private Future<Void> removeConsumerIfIdle() {
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(Scripts.DELETE_CONSUMER.run(commands, deadline(), List.of(keys.stream(topic, p)), group, consumerName));
    }
    return Future.join(all).mapEmpty();
  }

  private Future<Void> closeChannels() {
    List<Future<Void>> all = new ArrayList<>();
    readChannels.forEach(c -> all.add(c.close()));
    all.add(commands.close());
    return Future.join(all).mapEmpty();
  }

  // accessors for the loops

  public Slots<DefaultMessage> slots() {
    return slots;
  }

  /** Entries asked for per read: the free slots, split fairly between partitions. */
  public int readCount() {
    return Math.max(1, (options.getMaxInFlight() + partitions - 1) / partitions);
  }

  public ConsumerListener listener() {
    return options.getListener();
  }

  public ConsumerOptions options() {
    return options;
  }

  public BusOptions busOptions() {
    return busOptions;
  }

  public RedisChannel commands() {
    return commands;
  }

  public Keys keys() {
    return keys;
  }

  public Meters meters() {
    return meters;
  }

  public int partitions() {
    return partitions;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public String group() {
    return group;
  }

  @Override
  public String consumerName() {
    return consumerName;
  }

  @Override
  public int inFlight() {
    return slots.active();
  }

  @Override
  public boolean isClosed() {
    return closing != null;
  }
}
