package io.streambus.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.BusMeters;
import io.streambus.admin.GroupStats;
import io.streambus.StreamBus;
import io.streambus.admin.TopicStats;
import io.vertx.core.Future;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The demo's console screen: every few seconds, each topic's length, dead letters and per-group lag / pending /
 * consumers (from {@link io.streambus.admin.BusAdmin#snapshot()}), the process's bus counters, and the revenue read model
 * (from {@link io.streambus.admin.BusAdmin#modelHash}).
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

  /** Reads a snapshot and the read model and prints them; a failed read prints one line instead. */
  Future<Void> printOnce() {
    Future<List<TopicStats>> snapshot = bus.admin().snapshot();
    Future<List<Map<String, String>>> revenue = bus.admin().modelHash(DemoApp.ORDERS, DemoApp.REVENUE_MODEL);
    Future<List<Map<String, String>>> orders = bus.admin().modelHash(DemoApp.ORDERS, DemoApp.REVENUE_MODEL
        + ":count");
    return Future.all(snapshot, revenue, orders).onComplete(all -> {
      print(snapshot.result());
      printModel(revenue.result(), orders.result());
    }, err -> out.println("  (figures unavailable: " + err.getMessage() + ")")).mapEmpty();
  }

  /** The revenue read model: orders and revenue in total, and the three customers with the most revenue. */
  private void printModel(List<Map<String, String>> revenue, List<Map<String, String>> orders) {
    Map<String, Long> perCustomer = sum(revenue);
    long total = perCustomer.values().stream().mapToLong(Long::longValue).sum();
    long counted = sum(orders).values().stream().mapToLong(Long::longValue).sum();
    String top = perCustomer.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(3).map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    out.printf("  read model '%s' (group %s, exactly once): %d orders of %d customers, revenue %d; top: %s%n",
        DemoApp.REVENUE_MODEL, DemoApp.REVENUE_GROUP, counted, perCustomer.size(), total, top);
  }

  /** Per field, the sum over the partitions (a customer's orders all live in its key's partition). */
  private static Map<String, Long> sum(List<Map<String, String>> partitions) {
    Map<String, Long> sum = new TreeMap<>();
    partitions.forEach(p -> p.forEach((field, value) -> sum.merge(field, Long.parseLong(value), Long::sum)));
    return sum;
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
