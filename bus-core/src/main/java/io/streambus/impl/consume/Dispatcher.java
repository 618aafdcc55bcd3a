package io.streambus.impl.consume;

import io.streambus.MessageHandler;
import io.streambus.impl.tracing.DeliveryTrace;
import io.streambus.impl.tracing.Tracing;
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

/**
 * Runs handlers: at most {@code maxInFlight} at once ({@link Slots}, with the rate limit), each within
 * {@code handlerTimeoutMs}. The timeouts are kept by one sweep, not a timer per message: handler calls start in order
 * and share one timeout, so their deadlines are in order too, and one timer armed for the oldest running call is
 * enough. Each outcome (null for success, else the error) goes to the {@link Outcomes} once. Used from the
 * subscription's context only.
 *
 * <p>How a call runs is chosen once, from {@link Tracing#enabled()}: on the subscription's context, or with tracing
 * ({@link TracedDeliveries}) in its consumer span on a context of its own (a fresh duplicate of the subscription's);
 * the span ends with the outcome, a timeout included.
 */
final class Dispatcher {
  /** What the dispatcher asks of the leases when a queued message's turn comes. */
  interface Leased {
    /** False when the message's lease was lost while it waited: it is dropped. */
    boolean owns(DefaultMessage message);

    /** False when its lease is not certain any more (after a pause): it waits for the next renewal. */
    boolean fresh(DefaultMessage message);
  }

  /** Where the outcome of every handler call goes, once. */
  interface Outcomes {
    /** @param error null for success, else why the call failed (its lease lost before it started included) */
    void outcome(DefaultMessage message, Throwable error);
  }

  /** A handler call in flight. */
  private static class Running {
    final DefaultMessage message;
    final long startedNanos;
    final long deadlineNanos;
    boolean done;

    Running(DefaultMessage message, long startedNanos, long deadlineNanos) {
      this.message = message;
      this.startedNanos = startedNanos;
      this.deadlineNanos = deadlineNanos;
    }

    /** The call's outcome is known (null for success). */
    void ended(Throwable error) {
    }
  }

  /** A traced handler call: its consumer span ends with the outcome. */
  private static final class TracedRunning extends Running {
    DeliveryTrace trace;

    TracedRunning(DefaultMessage message, long startedNanos, long deadlineNanos) {
      super(message, startedNanos, deadlineNanos);
    }

    @Override
    void ended(Throwable error) {
      trace.end(error);
    }
  }

  /** The outcome of a message dropped because its lease was lost before it started. */
  private static final Throwable LOST = new IllegalStateException("lease lost before the handler started");

  private final Vertx vertx;
  private final Context context;
  private final MessageHandler handler;
  private final ConsumerMeters meters;
  private final long timeoutNanos;
  private final Leased leases;
  /** Messages whose lease was not certain when their turn came: they wait for the next renewal. */
  private final List<DefaultMessage> parked = new ArrayList<>();
  private final Outcomes outcomes;
  private final Calls calls;
  private final Slots slots;
  /**
   * The calls under watch, oldest first: a finished call leaves at once (kept until the sweep, at 100,000 msg/s and a
   * 30 s timeout they piled up by the million), and insertion order is deadline order, so the sweep stops at the
   * first call not yet due.
   */
  private final LinkedHashSet<Running> running = new LinkedHashSet<>();
  private long sweepTimer = -1;
  private Promise<Void> drained;

  /**
   * @param leases asked when a queued message's turn comes: one whose lease was lost meanwhile is dropped, one whose
   *     lease is not certain (after a pause) waits for {@link #renewed()}
   * @param outcomes told the outcome of every handler call
   * @param tracing {@link Tracing#OFF}, or the tracing each call runs in
   */
  Dispatcher(Vertx vertx, Context context, MessageHandler handler, int maxInFlight, double maxRatePerSecond,
             long handlerTimeoutMs, ConsumerMeters meters, Leased leases, Outcomes outcomes, Tracing tracing,
             String group, String consumer) {
    this.vertx = vertx;
    this.context = context;
    this.handler = handler;
    this.meters = meters;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(handlerTimeoutMs);
    this.leases = leases;
    this.outcomes = outcomes;
    this.calls = tracing.enabled()
        ? new TracedCalls(new TracedDeliveries(vertx, context, tracing, group, consumer, maxInFlight))
        : new DirectCalls();
    this.slots = new Slots(vertx, maxInFlight, maxRatePerSecond, calls);
  }

  /** The slots handler calls start from: where messages for the handler are queued, and what reads may ask for. */
  Slots slots() {
    return slots;
  }

  /** Makes ready to run calls (with tracing: registers the consumer that gives each call a context of its own). */
  Future<Void> open() {
    return calls.open();
  }

  /** Undoes {@link #open()}: calls not yet run are dropped (close has given up on them by then). */
  Future<Void> close() {
    return calls.close();
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

  /**
   * How a call runs, chosen once: directly on the subscription's context, or traced. Either way its outcome comes back
   * to the subscription's context and goes to {@link #finish}.
   */
  private abstract class Calls implements Slots.Starter {
    @Override
    public final void start(DefaultMessage message) {
      if (!leases.owns(message)) {
        // lost while it waited: a peer has it now. Its outcome lets go of it (nothing is recorded for a lost one), and
        // the slot frees up for the next one.
        outcomes.outcome(message, LOST);
        vertx.runOnContext(v -> slots.finished());
        return;
      }
      if (!leases.fresh(message)) {
        parked.add(message);
        vertx.runOnContext(v -> slots.finished());
        return;
      }
      meters.delivered.increment();
      if (message.deliveryCount() > 1) {
        meters.redelivered.increment();
      }
      meters.inFlight.incrementAndGet();
      call(message, System.nanoTime());
    }

    abstract void call(DefaultMessage message, long started);

    abstract Future<Void> open();

    abstract Future<Void> close();
  }

  /** Tracing off: the handler runs on the subscription's context. */
  private final class DirectCalls extends Calls {
    @Override
    void call(DefaultMessage message, long started) {
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

    @Override
    Future<Void> open() {
      return Future.succeededFuture();
    }

    @Override
    Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  /** Tracing on: each call in its consumer span, on a fresh duplicate of the subscription's context. */
  private final class TracedCalls extends Calls {
    private final TracedDeliveries traced;

    TracedCalls(TracedDeliveries traced) {
      this.traced = traced;
    }

    /**
     * The span starts here, so that it covers the hop to the delivery's own context; the outcome comes back to the
     * subscription's context (a duplicate is not it, and on a worker context it may run on another thread).
     */
    @Override
    void call(DefaultMessage message, long started) {
      TracedRunning r = new TracedRunning(message, started, started + timeoutNanos);
      r.trace = traced.start(r.message);
      watch(r);
      traced.run(() -> r.trace.call(() -> invoke(r.message))
          .onComplete(ar -> context.runOnContext(v -> finish(r, ar))));
    }

    @Override
    Future<Void> open() {
      return traced.open();
    }

    @Override
    Future<Void> close() {
      return traced.close();
    }
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
    r.ended(ar.succeeded() ? null : ar.cause());
    meters.inFlight.decrementAndGet();
    meters.handlerTime(ar.succeeded(), r.startedNanos);
    outcomes.outcome(r.message, ar.succeeded() ? null : ar.cause());
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
