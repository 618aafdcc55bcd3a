package io.streambus.dashboard.impl;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.streambus.admin.GroupStats;
import io.streambus.dashboard.DashboardMeters;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the sampler's samples into the per-group gauges of {@link DashboardMeters}: registered when a group first
 * shows up, updated at every sample, removed when a sample no longer has the group.
 *
 * <p>Samples and {@link #close()} must arrive on one context (the sampler's); a scrape reads the values from any
 * thread.
 */
public final class GroupGauges implements Consumer<Sample> {
  private final MeterRegistry registry;
  private final Map<GroupKey, Figures> groups = new HashMap<>();
  private boolean closed;

  public GroupGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void accept(Sample sample) {
    // A sample that arrives after close (a snapshot that was in flight) must not register the gauges again.
    if (closed) {
      return;
    }
    Set<GroupKey> present = new HashSet<>();
    for (TopicSample topic : sample.topics()) {
      for (GroupStats group : topic.stats().groups()) {
        GroupKey key = new GroupKey(topic.topic(), group.name());
        present.add(key);
        groups.computeIfAbsent(key, this::register).update(group);
      }
    }
    groups.entrySet().removeIf(e -> !present.contains(e.getKey()) && e.getValue().remove(registry));
  }

  /** Removes every gauge and ignores later samples. */
  public void close() {
    closed = true;
    groups.values().forEach(f -> f.remove(registry));
    groups.clear();
  }

  private Figures register(GroupKey key) {
    Tags tags = Tags.of("topic", key.topic(), "group", key.group());
    Figures f = new Figures();
    f.meters = List.of(
        Gauge.builder(DashboardMeters.GROUP_BACKLOG, f, x -> x.backlog)
            .description("Entries not yet delivered to the group, summed over the topic's partitions")
            .tags(tags).register(registry),
        Gauge.builder(DashboardMeters.GROUP_BACKLOG_AGE, f, x -> x.backlogAgeMs / 1000.0)
            .description("Age of the oldest entry not yet delivered to the group, the largest over the partitions")
            .baseUnit("seconds").tags(tags).register(registry),
        Gauge.builder(DashboardMeters.GROUP_UNACKED, f, x -> x.unacked)
            .description("Entries delivered to the group and not yet acknowledged, summed over the partitions")
            .tags(tags).register(registry));
    return f;
  }

  private record GroupKey(String topic, String group) {
  }

  /** The latest figures of one group; volatile because a scrape reads them on another thread. */
  private static final class Figures {
    private volatile double backlog;
    private volatile double backlogAgeMs;
    private volatile double unacked;
    private List<Meter> meters = List.of();

    void update(GroupStats g) {
      backlog = g.lag();
      backlogAgeMs = g.oldestUndeliveredAgeMs();
      unacked = g.pending();
    }

    /** @return true, so that it can sit in a removeIf */
    boolean remove(MeterRegistry registry) {
      meters.forEach(registry::remove);
      return true;
    }
  }
}
