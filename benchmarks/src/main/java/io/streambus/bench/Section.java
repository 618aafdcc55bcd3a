package io.streambus.bench;

import java.util.Arrays;

/** What one run measures. Every run of a section is a child JVM of its own, for one subject. */
enum Section {
  /** One {@code publish()} (bus) or {@code send(XADD)} (plain) per message, a window of them in flight. */
  PUBLISH("publish", Kind.PUBLISH, 0, false),
  /** {@code publishAll(batch)} (bus) or {@code batch(XADD...)} (plain), a few batches in flight. */
  PUBLISH_ALL("publishAll", Kind.PUBLISH_ALL, 0, false),
  E2E1("e2e1", Kind.END_TO_END, 1, false),
  E2E4("e2e4", Kind.END_TO_END, 4, false),
  /** As {@link #E2E4}, with a handler whose future completes on a later event-loop turn. */
  E2E4_ASYNC("e2e4async", Kind.END_TO_END, 4, true),
  LATENCY("latency", Kind.LATENCY, 1, false),
  /**
   * The bus alone, end to end with 4 subscriptions on a topic of several partitions and keyed messages, once without
   * ordering and once with {@code Ordering.KEY}: what ordered processing costs (its variants are the orderings).
   */
  ORDERING("ordering", Kind.END_TO_END, 4, false),
  /** The bus alone, end to end on a 3-master cluster (no plain baseline there). */
  CLUSTER("cluster", Kind.END_TO_END, 0, false);

  enum Kind { PUBLISH, PUBLISH_ALL, END_TO_END, LATENCY }

  final String id;
  final Kind kind;
  /** Subscriptions in the group (0: none, or set by the options for the cluster). */
  final int subscriptions;
  final boolean asyncHandler;

  Section(String id, Kind kind, int subscriptions, boolean asyncHandler) {
    this.id = id;
    this.kind = kind;
    this.subscriptions = subscriptions;
    this.asyncHandler = asyncHandler;
  }

  boolean isThroughput() {
    return kind != Kind.LATENCY;
  }

  static Section of(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equalsIgnoreCase(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown section '" + id + "'"));
  }

  static String ids() {
    return String.join(",", Arrays.stream(values()).map(s -> s.id).toList());
  }
}
