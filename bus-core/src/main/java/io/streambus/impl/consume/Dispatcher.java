package io.streambus.impl.consume;

import io.streambus.MessageHandler;
import io.streambus.impl.tracing.DeliveryTrace;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Runs handlers: at most {@code maxInFlight} at once ({@link Slots}), at most {@code maxRatePerSecond} started per
 * second, each within {@code handlerTimeoutMs}. The timeouts are kept by one sweep, not a timer per message: handler
 * calls start in order and share one timeout, so their deadlines are in order too, and one timer armed for the
 * oldest running call is enough. Each outcome (null for success, else the error) goes to {@code outcome} once. Used
 * from the subscription's context only.
 *
 * <p>With tracing ({@link TracedDeliveries}), each call runs in its consumer span on a context of its own (a fresh
 * duplicate of the subscription's); the span ends with the outcome, a timeout included.
 */
final class Dispatcher implements PartitionReader.Budget {
  /** A handler call in flight. */
  private static final class Running {
    final DefaultMessage message;
    final long startedNanos;
    final long deadlineNanos;
    boolean done;
    /** Null unless traced. */
    DeliveryTrace trace;

    Running(DefaultMessage message, long startedNanos, long deadlineNanos) {
      this.message = message;
      this.startedNanos = startedNanos;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /** The outcome of a message dropped because its lease was lost before it started. */
  private static final Throwable LOST = new IllegalStateException("lease lost before the handler started");

  private final Vertx vertx;
  private final Context context;
  private final MessageHandler handler;
  private final ConsumerMeters meters;
  private final long timeoutNanos;
  private final Predicate<DefaultMessage> stillOurs;
  private final Predicate<DefaultMessage> fresh;
  /** Messages whose lease was not certain when their turn came: they wait for the next renewal. */
  private final List<DefaultMessage> parked = new ArrayList<>();
  private final BiConsumer<DefaultMessage, Throwable> outcome;
  private final Slots<DefaultMessage> slots;
  /** Null when tracing is off. */
  private final TracedDeliveries traced;
  /**
   * The calls under watch, oldest first: a finished call leaves at once (kept until the sweep, at 100,000 msg/s and a
   * 30 s timeout they piled up by the million), and insertion order is deadline order, so the sweep stops at the
   * first call not yet due.
   */
  private final LinkedHashSet<Running> running = new LinkedHashSet<>();
  private long sweepTimer = -1;
  private boolean rateTimerSet;
  private Promise<Void> drained;

  /**
   * @param stillOurs checked when a queued message's turn comes: one whose lease was lost meanwhile is dropped
   * @param fresh checked then too: one whose lease is not certain (after a pause) waits for {@link #renewed()}
   * @param outcome told the outcome of every handler call: null for success, else why it failed
   * @param traced null when tracing is off
   */
  Dispatcher(Vertx vertx, Context context, MessageHandler handler, int maxInFlight, double maxRatePerSecond,
             long handlerTimeoutMs, ConsumerMeters meters, Predicate<DefaultMessage> stillOurs,
             Predicate<DefaultMessage> fresh, BiConsumer<DefaultMessage, Throwable> outcome,
             TracedDeliveries traced) {
    this.vertx = vertx;
    this.context = context;
    this.handler = handler;
    this.meters = meters;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(handlerTimeoutMs);
    this.stillOurs = stillOurs;
    this.fresh = fresh;
    this.outcome = outcome;
    this.traced = traced;
    this.slots = new Slots<>(maxInFlight, maxRatePerSecond, this::start, this::waitForRateToken);
  }

  /** Queues a message; it starts when a slot (and a rate token) is free. */
  void submit(DefaultMessage message) {
    slots.submit(message);
  }

  @Override
  public int reserve(int max) {
    return slots.reserveForRead(max);
  }

  @Override
  public void readDone(int reserved) {
    slots.readDone(reserved);
  }

  @Override
  public void onRelease(Runnable r) {
    slots.onRelease(r);
  }

  /** Counts messages held back for their turn (ordered processing) against the slots. */
  void countAlso(IntSupplier heldBack) {
    slots.countAlso(heldBack);
  }

  /** Free handler slots, ignoring read reservations: what a claim may ask for. */
  int freeForClaim() {
    return slots.freeForClaim();
  }

  int active() {
    return slots.active();
  }

  /** Removes and returns what is queued or parked and not started (close hands it back to the group). */
  List<DefaultMessage> takeQueued() {
    List<DefaultMessage> all = new ArrayList<>(parked);
    parked.clear();
    all.addAll(slots.drainQueue());
    return all;
  }

  /** The leases were renewed: parked messages that are still ours queue again (lost ones are dropped then). */
  void renewed() {
    if (parked.isEmpty()) {
      return;
    }
    List<DefaultMessage> again = new ArrayList<>(parked);
    parked.clear();
    again.forEach(slots::submit);
  }

  /** Completes when no handler call is running (at once if none is). */
  Future<Void> drained() {
    if (drained == null) {
      drained = Promise.promise();
    }
    checkDrained();
    return drained.future();
  }

  private void start(DefaultMessage message) {
    if (!stillOurs.test(message)) {
      // lost while it waited: a peer has it now. Its outcome lets go of it (nothing is recorded for a lost one), and
      // the slot frees up for the next one.
      outcome.accept(message, LOST);
      vertx.runOnContext(v -> slots.finished());
      return;
    }
    if (!fresh.test(message)) {
      parked.add(message);
      vertx.runOnContext(v -> slots.finished());
      return;
    }
    meters.delivered.increment();
    if (message.deliveryCount() > 1) {
      meters.redelivered.increment();
    }
    meters.inFlight.incrementAndGet();
    long started = System.nanoTime();
    if (traced != null) {
      startTraced(new Running(message, started, started + timeoutNanos));
      return;
    }
    Future<Void> f = invoke(message);
    Running r = new Running(message, started, started + timeoutNanos);
    if (f.isComplete()) {
      // a synchronous handler: nothing to watch
      finish(r, f);
      return;
    }
    watch(r);
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        finish(r, ar);
      } else {
        context.runOnContext(v -> finish(r, ar));
      }
    });
  }

  /**
   * The span starts here, so that it covers the hop to the delivery's own context; the outcome comes back to the
   * subscription's context (a duplicate is not it, and on a worker context it may run on another thread).
   */
  private void startTraced(Running r) {
    r.trace = traced.start(r.message);
    watch(r);
    traced.run(() -> r.trace.call(() -> invoke(r.message))
        .onComplete(ar -> context.runOnContext(v -> finish(r, ar))));
  }

  /** Calls the handler; a throw or a null result becomes a failed future. */
  private Future<Void> invoke(DefaultMessage message) {
    try {
      Future<Void> f = handler.handle(message);
      return f != null ? f
          : Future.failedFuture(new NullPointerException("handler returned null instead of a Future"));
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  /** Keeps a running call under the timeout sweep. */
  private void watch(Running r) {
    running.add(r);
    if (sweepTimer < 0) {
      arm(r.deadlineNanos);
    }
  }

  private void finish(Running r, AsyncResult<Void> ar) {
    if (r.done) {
      return; // timed out before: the late outcome is ignored
    }
    r.done = true;
    running.remove(r);
    if (r.trace != null) {
      r.trace.end(ar.succeeded() ? null : ar.cause());
    }
    meters.inFlight.decrementAndGet();
    meters.handlerTime(ar.succeeded(), r.startedNanos);
    outcome.accept(r.message, ar.succeeded() ? null : ar.cause());
    slots.finished();
    checkDrained();
  }

  private void arm(long deadlineNanos) {
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1);
    sweepTimer = vertx.setTimer(delayMs, t -> sweep());
  }

  /** Fails the running calls past their deadline, forgets the finished ones, and re-arms for the oldest left. */
  private void sweep() {
    sweepTimer = -1;
    long now = System.nanoTime();
    List<Running> expired = new ArrayList<>();
    for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
      Running r = it.next();
      if (r.deadlineNanos - now > 0) {
        break;
      }
      it.remove();
      expired.add(r);
    }
    long timeoutMs = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    for (Running r : expired) {
      finish(r, Future.failedFuture(new TimeoutException("handler did not complete within " + timeoutMs + " ms")));
    }
    if (!running.isEmpty() && sweepTimer < 0) {
      arm(running.iterator().next().deadlineNanos);
    }
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

  private void checkDrained() {
    if (drained != null && slots.active() == 0) {
      drained.tryComplete();
    }
  }

  /** Stops the sweep (close gave up on what still runs). */
  void stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }
}
