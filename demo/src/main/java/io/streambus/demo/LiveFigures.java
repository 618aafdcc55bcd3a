package io.streambus.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.BusMeters;
import io.streambus.GroupStats;
import io.streambus.StreamBus;
import io.streambus.TopicStats;
import io.vertx.core.Future;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The demo's console screen: every few seconds, each topic's length, dead letters and per-group lag / pending /
 * consumers (from {@link io.streambus.BusAdmin#snapshot()}), and the process's bus counters.
 */
final class LiveFigures {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final StreamBus bus;
  private final MeterRegistry registry;
  private final PrintStream out;

  LiveFigures(StreamBus bus, MeterRegistry registry, PrintStream out) {
    this.bus = bus;
    this.registry = registry;
    this.out = out;
  }

  /** Reads a snapshot and prints it; a failed read prints one line instead. */
  Future<Void> printOnce() {
    return bus.admin().snapshot().onComplete(this::print, err -> out.println("  (figures unavailable: "
        + err.getMessage() + ")")).mapEmpty();
  }

  private void print(List<TopicStats> topics) {
    out.println();
    out.println("── " + LocalTime.now().format(TIME) + " ─────────────────────────────────────────────"
        + "────────────────────");
    for (TopicStats t : topics) {
      out.printf("  %-10s partitions %d  length %6d  dead letters %4d  scheduled %3d%n", t.topic(),
          t.partitions().size(), t.length(), t.deadLetters(), t.scheduled());
      for (GroupStats g : t.groups()) {
        out.printf("      group %-8s lag %5d  pending %4d  consumers %d  oldest pending %5d ms%n", g.name(), g.lag(),
            g.pending(), g.consumers().size(), g.oldestPendingAgeMs());
      }
    }
    out.printf("  published %d  delivered %d  acked %d  retried %d  reclaimed %d  dead-lettered %d%n",
        count(BusMeters.PUBLISHED), count(BusMeters.DELIVERED), count(BusMeters.ACKED), count(BusMeters.RETRIED),
        count(BusMeters.RECLAIMED), count(BusMeters.DEAD_LETTERED));
  }

  private long count(String name) {
    return Math.round(registry.find(name).counters().stream().mapToDouble(Counter::count).sum());
  }
}
