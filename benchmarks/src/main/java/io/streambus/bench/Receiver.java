package io.streambus.bench;

import io.vertx.core.buffer.Buffer;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The handler side of one consumer: reads the send time from the payload's first 8 bytes, records now minus that
 * (both {@link System#nanoTime()} of this JVM) when the message was sent at or after the tally's
 * {@link Tally#recordFrom}, and counts it towards the run's {@link Tally}. Called on the consumer's context only, so the histogram needs no lock.
 */
final class Receiver implements Consumer<Buffer> {
  static final long MAX_RECORDED_NS = TimeUnit.SECONDS.toNanos(60);
  private final Tally tally;
  private final Histogram latency = new Histogram(MAX_RECORDED_NS, 3);

  Receiver(Tally tally) {
    this.tally = tally;
  }

  @Override
  public void accept(Buffer payload) {
    long now = System.nanoTime();
    long sent = payload.getLong(0);
    if (sent >= tally.recordFrom) {
      latency.recordValue(Math.max(0, Math.min(MAX_RECORDED_NS, now - sent)));
    }
    tally.received(now);
  }

  static Histogram merged(List<Receiver> receivers) {
    Histogram all = new Histogram(MAX_RECORDED_NS, 3);
    receivers.forEach(r -> all.add(r.latency));
    return all;
  }

  /** Counts the messages of a run across its consumers and notes when the last one arrived. */
  static final class Tally {
    private final long expected;
    private final AtomicLong count = new AtomicLong();
    private final CompletableFuture<Long> last = new CompletableFuture<>();
    /** Latencies of messages sent before this {@link System#nanoTime()} are not recorded; by default none are. */
    private volatile long recordFrom = Long.MAX_VALUE;

    Tally(long expected) {
      this.expected = expected;
    }

    void received(long nanoTime) {
      if (count.incrementAndGet() == expected) {
        last.complete(nanoTime);
      }
    }

    void recordFrom(long nanoTime) {
      recordFrom = nanoTime;
    }

    long count() {
      return count.get();
    }

    /** Completes with the {@link System#nanoTime()} at which the expected count was reached. */
    CompletableFuture<Long> last() {
      return last;
    }
  }
}
