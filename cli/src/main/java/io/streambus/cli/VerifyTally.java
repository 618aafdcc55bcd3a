package io.streambus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What {@code streambus verify} saw of each sequence number: sent, confirmed by the bus, delivered (how often, how
 * long after it was sent), and, per key, whether a message came after a later one of its key. Written from the
 * publishing thread and the event loop at once, hence atomics.
 */
final class VerifyTally {
  private static final int SENT = 1;
  private static final int CONFIRMED = 2;

  private final int count;
  private final AtomicIntegerArray state;
  private final AtomicIntegerArray deliveries;
  private final AtomicLongArray sentNanos;
  private final AtomicLongArray latencyMicros;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();
  private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
  /** Per key, the stream position (millis, seq) of the latest message of the key delivered so far. */
  private final Map<String, long[]> lastOfKey = new ConcurrentHashMap<>();

  VerifyTally(int count) {
    this.count = count;
    this.state = new AtomicIntegerArray(count);
    this.deliveries = new AtomicIntegerArray(count);
    this.sentNanos = new AtomicLongArray(count);
    this.latencyMicros = new AtomicLongArray(count);
  }

  int count() {
    return count;
  }

  void sending(int seq) {
    if (state.compareAndSet(seq, 0, SENT)) {
      sent.incrementAndGet();
      sentNanos.set(seq, System.nanoTime());
    }
  }

  void confirmed(int seq) {
    if (state.getAndSet(seq, CONFIRMED) != CONFIRMED) {
      confirmed.incrementAndGet();
      lastProgressNanos.set(System.nanoTime());
    }
  }

  void publishFailed() {
    publishFailures.incrementAndGet();
  }

  boolean isConfirmed(int seq) {
    return state.get(seq) == CONFIRMED;
  }

  /** A delivery of {@code seq}; {@code key} and {@code entryId} (its stream id) judge the key's order. */
  void delivered(int seq, String key, String entryId) {
    long now = System.nanoTime();
    lastProgressNanos.set(now);
    if (seq < 0 || seq >= count) {
      foreign.incrementAndGet();
      return;
    }
    if (deliveries.getAndIncrement(seq) > 0) {
      duplicates.incrementAndGet();
      return;
    }
    delivered.incrementAndGet();
    long sentAt = sentNanos.get(seq);
    latencyMicros.set(seq, sentAt == 0 ? 0 : Math.max(0, (now - sentAt) / 1_000));
    if (key != null && entryId != null) {
      long[] position = position(entryId);
      long[][] before = new long[1][];
      // one key's messages are handled one at a time (Ordering.KEY), so compute() never contends for a key
      lastOfKey.compute(key, (k, last) -> {
        before[0] = last;
        return last == null || compare(position, last) > 0 ? position : last;
      });
      if (before[0] != null && compare(position, before[0]) < 0) {
        outOfOrder.incrementAndGet();
      }
    }
  }

  /** A message that is not one of this run's (another writer on the topic). */
  void foreign() {
    foreign.incrementAndGet();
    lastProgressNanos.set(System.nanoTime());
  }

  long sent() {
    return sent.get();
  }

  long confirmedCount() {
    return confirmed.get();
  }

  long deliveredCount() {
    return delivered.get();
  }

  long publishFailures() {
    return publishFailures.get();
  }

  long nanosSinceProgress() {
    return System.nanoTime() - lastProgressNanos.get();
  }

  /** Confirmed and not delivered (yet). */
  long missing() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      if (state.get(i) == CONFIRMED && deliveries.get(i) == 0) {
        n++;
      }
    }
    return n;
  }

  /** Sequence numbers confirmed and never delivered. */
  List<Integer> lost() {
    List<Integer> lost = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (state.get(i) == CONFIRMED && deliveries.get(i) == 0) {
        lost.add(i);
      }
    }
    return lost;
  }

  /** Delivered although the bus never confirmed the publish (it failed or timed out after storing). */
  long deliveredUnconfirmed() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      if (state.get(i) != CONFIRMED && deliveries.get(i) > 0) {
        n++;
      }
    }
    return n;
  }

  /** Sequence numbers delivered more than once. */
  long duplicatedMessages() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      if (deliveries.get(i) > 1) {
        n++;
      }
    }
    return n;
  }

  long extraDeliveries() {
    return duplicates.get();
  }

  long outOfOrder() {
    return outOfOrder.get();
  }

  long foreignCount() {
    return foreign.get();
  }

  /** p50, p90, p99 and max of publish-to-handler time over first deliveries, in ms (empty when none). */
  double[] latencyMs() {
    long[] all = new long[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (deliveries.get(i) > 0 && sentNanos.get(i) != 0) {
        all[n++] = latencyMicros.get(i);
      }
    }
    if (n == 0) {
      return new double[0];
    }
    long[] sorted = Arrays.copyOf(all, n);
    Arrays.sort(sorted);
    return new double[] {rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted[n - 1] / 1000.0};
  }

  private static double rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  JsonObject latencyJson() {
    double[] l = latencyMs();
    return l.length == 0 ? new JsonObject()
        : new JsonObject().put("p50", l[0]).put("p90", l[1]).put("p99", l[2]).put("max", l[3]);
  }

  JsonArray lostJson(int max) {
    JsonArray a = new JsonArray();
    lost().stream().limit(max).forEach(a::add);
    return a;
  }

  private static long[] position(String entryId) {
    int dash = entryId.indexOf('-');
    return new long[] {Long.parseLong(entryId.substring(0, dash)), Long.parseLong(entryId.substring(dash + 1))};
  }

  private static int compare(long[] a, long[] b) {
    int c = Long.compareUnsigned(a[0], b[0]);
    return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
  }
}
