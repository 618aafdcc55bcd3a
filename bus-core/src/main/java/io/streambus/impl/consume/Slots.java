package io.streambus.impl.consume;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Backpressure for one subscription. At most {@code capacity} handler calls run at once; messages beyond that (a
 * claim or a read that returned more than was free when it was sent) wait in a local queue, in order, and an optional
 * token bucket caps how fast handler calls start. Reads reserve what they ask for, so a read never asks for more
 * than is free: the queue stays bounded by what reclaim adds. Used from the subscription's context only.
 *
 * @param <T> what a handler call is started with
 */
public final class Slots<T> {
  private final int capacity;
  private final double ratePerSecond;
  private final Consumer<T> starter;
  private final Runnable onRateWait;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final List<Runnable> waiters = new ArrayList<>();
  private IntSupplier heldBack = () -> 0;
  private int active;
  private int reserved;
  private double tokens;
  private long refilledAt;

  /**
   * @param starter starts a handler call; {@link #finished()} must be called when it completes
   * @param onRateWait called when queued work waits for a rate token; it must call {@link #pump()} later
   */
  public Slots(int capacity, double ratePerSecond, Consumer<T> starter, Runnable onRateWait) {
    this.capacity = capacity;
    this.ratePerSecond = ratePerSecond;
    this.starter = starter;
    this.onRateWait = onRateWait;
    this.tokens = Math.max(1, ratePerSecond);
    this.refilledAt = System.nanoTime();
  }

  /** Counts {@code heldBack} (work waiting outside, for its turn) against the capacity too. */
  public void countAlso(IntSupplier heldBack) {
    this.heldBack = heldBack;
  }

  /** How many entries a read may ask for now (at most {@code max}); reserves them until {@link #readDone}. */
  public int reserveForRead(int max) {
    int n = Math.max(0, Math.min(max, capacity - active - queue.size() - reserved - heldBack.getAsInt()));
    reserved += n;
    return n;
  }

  /** Ends a read's reservation (call before handing its entries to {@link #submit}). */
  public void readDone(int reservedCount) {
    reserved -= reservedCount;
    if (reservedCount > 0) {
      wake();
    }
  }

  /** Free handler slots, ignoring read reservations: what a claim may ask for. */
  public int freeForClaim() {
    return Math.max(0, capacity - active - queue.size() - heldBack.getAsInt());
  }

  /** Queues work and starts what capacity and rate allow. */
  public void submit(T item) {
    queue.add(item);
    pump();
  }

  /** Starts queued work while capacity and rate allow. */
  public void pump() {
    while (!queue.isEmpty() && active < capacity) {
      if (ratePerSecond > 0 && !takeToken()) {
        onRateWait.run();
        return;
      }
      active++;
      starter.accept(queue.poll());
    }
  }

  /** A handler call completed. */
  public void finished() {
    active--;
    pump();
    wake();
  }

  /** Runs {@code r} once, the next time a slot frees up. */
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
  public List<T> drainQueue() {
    List<T> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  public int active() {
    return active;
  }

  /** Ms until the next rate token (0 when not rate limited or a token is there). */
  public long msUntilToken() {
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
