package io.streambus.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * Backpressure: the handler slots of one subscription. A reader reserves slots before it asks Redis for entries
 * (COUNT = slots reserved), returns those the reply did not fill, and each delivered message holds its slot until its
 * handler completes. An optional token bucket caps the rate at which slots are handed out.
 * Used from the subscription's context only.
 */
final class Slots {
  private final int capacity;
  private final double ratePerSecond;
  private int used;
  private double tokens;
  private long refilledAt;
  private final List<Runnable> waiters = new ArrayList<>();

  Slots(int capacity, double ratePerSecond) {
    this.capacity = capacity;
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.max(1, ratePerSecond);
    this.refilledAt = System.nanoTime();
  }

  /** Reserves up to {@code max} slots; may be 0. */
  int acquire(int max) {
    int n = Math.min(max, capacity - used);
    if (ratePerSecond > 0 && n > 0) {
      refill();
      n = Math.min(n, (int) tokens);
      tokens -= n;
    }
    n = Math.max(0, n);
    used += n;
    return n;
  }

  /** Returns slots; wakes whoever waited for one. */
  void release(int n) {
    if (n <= 0) {
      return;
    }
    used -= n;
    wake();
  }

  /** Runs {@code r} once when slots are released (or {@link #wake()} is called). */
  void onRelease(Runnable r) {
    waiters.add(r);
  }

  void wake() {
    if (waiters.isEmpty()) {
      return;
    }
    List<Runnable> copy = new ArrayList<>(waiters);
    waiters.clear();
    copy.forEach(Runnable::run);
  }

  int used() {
    return used;
  }

  int free() {
    return capacity - used;
  }

  /** When rate limited and out of tokens: ms until the next token; else 0. */
  long msUntilToken() {
    if (ratePerSecond <= 0) {
      return 0;
    }
    refill();
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 1000 / ratePerSecond);
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(Math.max(1, ratePerSecond), tokens + (now - refilledAt) / 1e9 * ratePerSecond);
    refilledAt = now;
  }
}
