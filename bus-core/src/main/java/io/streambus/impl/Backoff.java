package io.streambus.impl;

/** Doubling delay between attempts, reset on success. Not thread-safe: used from one context. */
final class Backoff {
  private final long initial;
  private final long max;
  private long next;

  Backoff(long initialMs, long maxMs) {
    this.initial = initialMs;
    this.max = maxMs;
    this.next = initialMs;
  }

  long nextDelay() {
    long d = next;
    next = Math.min(max, next * 2);
    return d;
  }

  void reset() {
    next = initial;
  }
}
