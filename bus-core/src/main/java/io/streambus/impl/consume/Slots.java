package io.streambus.impl.consume;

import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Backpressure for one subscription. At most {@code capacity} handler calls run at once; messages beyond that (a
 * claim or a read that returned more than was free when it was sent) wait in a local queue, in order, and an optional
 * token bucket caps how fast handler calls start (its timer is kept here). Reads reserve what they ask for, so a read
 * never asks for more than is free: the queue stays bounded by what reclaim adds. Used from the subscription's context
 * only.
 */
final class Slots implements Budget, Intake.Handlers {
  /** What a slot is given to: starts a handler call, and calls {@link #finished()} when it completes. */
  interface Starter {
    void start(DefaultMessage message);
  }

  private final Vertx vertx;
  private final int capacity;
  private final double ratePerSecond;
  private final Starter starter;
  private final ArrayDeque<DefaultMessage> queue = new ArrayDeque<>();
  private final List<Runnable> waiters = new ArrayList<>();
  /** Messages waiting outside for their turn (ordered processing): they count against the capacity too. */
  private int heldBack;
  private int active;
  private int reserved;
  private double tokens;
  private long refilledAt;
  private boolean rateTimerSet;

  Slots(Vertx vertx, int capacity, double ratePerSecond, Starter starter) {
    this.vertx = vertx;
    this.capacity = capacity;
    this.ratePerSecond = ratePerSecond;
    this.starter = starter;
    this.tokens = Math.max(1, ratePerSecond);
    this.refilledAt = System.nanoTime();
  }

  /** {@code delta} more (or, negative, fewer) messages wait outside for their turn. */
  void holdBack(int delta) {
    heldBack += delta;
  }

  @Override
  public int reserve(int max) {
    int n = Math.max(0, Math.min(max, capacity - active - queue.size() - reserved - heldBack));
    reserved += n;
    return n;
  }

  @Override
  public void readDone(int reservedCount) {
    reserved -= reservedCount;
    if (reservedCount > 0) {
      wake();
    }
  }

  @Override
  public int freeForClaim() {
    return Math.max(0, capacity - active - queue.size() - heldBack);
  }

  /** Queues work and starts what capacity and rate allow. */
  @Override
  public void submit(DefaultMessage item) {
    queue.add(item);
    pump();
  }

  /** Starts queued work while capacity and rate allow. */
  private void pump() {
    while (!queue.isEmpty() && active < capacity) {
      if (ratePerSecond > 0 && !takeToken()) {
        waitForToken();
        return;
      }
      active++;
      starter.start(queue.poll());
    }
  }

  /** A handler call completed. */
  void finished() {
    active--;
    pump();
    wake();
  }

  @Override
  public void onRelease(Runnable r) {
    waiters.add(r);
  }

  private void wake() {
    if (waiters.isEmpty()) {
      return;
    }
    List<Runnable> copy = new ArrayList<>(waiters);
    waiters.clear();
    copy.forEach(Runnable::run);
  }

  /** Removes and returns the queued work that has not started. */
  List<DefaultMessage> drainQueue() {
    List<DefaultMessage> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  int active() {
    return active;
  }

  /** Queued work waits for a rate token: pump again when the next one is there (one timer at a time). */
  private void waitForToken() {
    if (!rateTimerSet) {
      rateTimerSet = true;
      // at least 1 ms: a token may have come in since the failed take, and a timer cannot be set for 0 ms
      vertx.setTimer(Math.max(1, msUntilToken()), t -> {
        rateTimerSet = false;
        pump();
      });
    }
  }

  /** Ms until the next rate token (0 when not rate limited or a token is there). */
  private long msUntilToken() {
    if (ratePerSecond <= 0) {
      return 0;
    }
    refill();
    return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / ratePerSecond));
  }

  private boolean takeToken() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(Math.max(1, ratePerSecond), tokens + (now - refilledAt) / 1e9 * ratePerSecond);
    refilledAt = now;
  }
}
