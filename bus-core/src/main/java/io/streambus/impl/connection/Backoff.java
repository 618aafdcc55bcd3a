package io.streambus.impl.connection;

/** Doubling delay between attempts, reset on success. Not thread-safe: used from one context. */
public final class Backoff {
  private final long initial;
  private final long max;
  private long next;

  public Backoff(long initialMs, long maxMs) {
    this.initial = initialMs;
    this.max = maxMs;
    this.next = initialMs;
  }

  public long nextDelay() {
    long d = next;
    next = Math.min(max, next * 2);
    return d;
  }

  public void reset() {
    next = initial;
  }
}
