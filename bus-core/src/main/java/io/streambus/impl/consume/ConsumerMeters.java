package io.streambus.impl.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.streambus.BusMeters;
import io.streambus.impl.metrics.Meters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one topic and group, looked up once: a {@link Meters} lookup builds its key string, and the
 * per-message paths would do it for every message.
 */
final class ConsumerMeters {
  final Counter delivered;
  final Counter redelivered;
  final Counter acked;
  final Counter failed;
  final Counter retried;
  final Counter reclaimed;
  final Counter deadLettered;
  final Counter pendingTrimmed;
  final Counter skipped;
  final Counter leaseLost;
  final Timer handlerSucceeded;
  final Timer handlerFailed;
  final Timer endToEnd;
  /** Shared by every subscription of this topic and group in the process. */
  final AtomicLong inFlight;
  /** Shared as well: 1 while the group is paused. */
  private final AtomicLong paused;
  private final Meters meters;
  private final String topic;
  private final String group;

  ConsumerMeters(Meters meters, String topic, String group) {
    this.meters = meters;
    this.topic = topic;
    this.group = group;
    delivered = meters.counter(BusMeters.DELIVERED, topic, group);
    redelivered = meters.counter(BusMeters.REDELIVERED, topic, group);
    acked = meters.counter(BusMeters.ACKED, topic, group);
    failed = meters.counter(BusMeters.FAILED, topic, group);
    retried = meters.counter(BusMeters.RETRIED, topic, group);
    reclaimed = meters.counter(BusMeters.RECLAIMED, topic, group);
    deadLettered = meters.counter(BusMeters.DEAD_LETTERED, topic, group);
    pendingTrimmed = meters.counter(BusMeters.PENDING_TRIMMED, topic, group);
    skipped = meters.counter(BusMeters.SKIPPED, topic, group);
    leaseLost = meters.counter(BusMeters.LEASE_LOST, topic, group);
    handlerSucceeded = meters.handlerTimer(topic, group, true);
    handlerFailed = meters.handlerTimer(topic, group, false);
    endToEnd = meters.endToEnd(topic, group);
    inFlight = meters.gauge(BusMeters.IN_FLIGHT, "Handler calls in flight in this process", topic, group, -1);
    paused = meters.gauge(BusMeters.GROUP_PAUSED, "1 while the group is paused", topic, group, -1);
  }

  void groupPaused(boolean on) {
    paused.set(on ? 1 : 0);
  }

  void handlerTime(boolean success, long startedNanos) {
    (success ? handlerSucceeded : handlerFailed).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  void endToEnd(long publishedAtMs) {
    Meters.recordEndToEnd(endToEnd, publishedAtMs);
  }

  /** A per-partition gauge of this topic (group null) or group. */
  AtomicLong gauge(String name, String description, boolean perGroup, int partition) {
    return meters.gauge(name, description, topic, perGroup ? group : null, partition);
  }
}
