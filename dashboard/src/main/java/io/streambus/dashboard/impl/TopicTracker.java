package io.streambus.dashboard.impl;

import io.streambus.admin.GroupStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the successive snapshots of one topic into rates and group states. Rates are deltas between two samples
 * divided by the time between them, so they need no counters kept anywhere but in Redis. Not thread-safe: one
 * sampler feeds it.
 */
final class TopicTracker {
  private final int trendSamples;
  private final long intervalMs;
  private final Map<String, Deque<GroupPoint>> windows = new HashMap<>();
  private TopicStats previous;

  TopicTracker(int trendSamples, long intervalMs) {
    this.trendSamples = trendSamples;
    this.intervalMs = intervalMs;
  }

  TopicSample next(TopicStats now) {
    double seconds = previous == null ? 0 : (now.sampledAt() - previous.sampledAt()) / 1000.0;
    Map<String, GroupStats> before = previous == null ? Map.of() : byName(previous.groups());
    Double rateIn = seconds > 0 ? rate(Math.max(0, now.entriesAdded() - previous.entriesAdded()), seconds) : null;
    List<GroupSample> groups = new ArrayList<>();
    for (GroupStats g : now.groups()) {
      groups.add(group(now, g, before.get(g.name()), seconds));
    }
    windows.keySet().retainAll(byName(now.groups()).keySet());
    previous = now;
    return new TopicSample(now, rateIn, groups);
  }

  private GroupSample group(TopicStats now, GroupStats g, GroupStats before, double seconds) {
    Long delivered = before == null || seconds <= 0 ? null : delivered(previous, now, g.name());
    // What left the pending list was either delivered in this interval or pending before it.
    Long acked = delivered == null ? null : Math.max(0, delivered - (g.pending() - before.pending()));
    Deque<GroupPoint> window = windows.computeIfAbsent(g.name(), n -> new ArrayDeque<>());
    window.addLast(new GroupPoint(g.lag(), g.pending(), g.oldestUndeliveredAgeMs(), delivered, acked));
    while (window.size() > trendSamples) {
      window.removeFirst();
    }
    GroupState state = GroupState.judge(List.copyOf(window), trendSamples, intervalMs);
    return new GroupSample(g, delivered == null ? null : rate(delivered, seconds),
        acked == null ? null : rate(acked, seconds), state);
  }

  /** Entries delivered to the group between two samples, summed over the partitions. */
  static long delivered(TopicStats before, TopicStats now, String group) {
    long sum = 0;
    for (PartitionStats p : now.partitions()) {
      GroupStats g = find(p, group);
      GroupStats b = p.partition() < before.partitions().size()
          ? find(before.partitions().get(p.partition()), group) : null;
      if (g != null && b != null) {
        sum += delivered(before.partitions().get(p.partition()), b, p, g);
      }
    }
    return sum;
  }

  /**
   * Entries delivered on one partition: from {@code entries-read} where known (Redis 7 reports it, the bus derives
   * it on 6.2); else nothing when the last delivered id stayed put; else from the added entries minus the lag. That
   * last estimate mixes two replies (XINFO STREAM and XINFO GROUPS) that a running producer separates, hence the
   * other two come first.
   */
  private static long delivered(PartitionStats pBefore, GroupStats before, PartitionStats pNow, GroupStats now) {
    if (before.entriesRead() >= 0 && now.entriesRead() >= 0) {
      return Math.max(0, now.entriesRead() - before.entriesRead());
    }
    if (Objects.equals(before.lastDeliveredId(), now.lastDeliveredId())) {
      return 0;
    }
    return Math.max(0, (pNow.entriesAdded() - now.lag()) - (pBefore.entriesAdded() - before.lag()));
  }

  private static GroupStats find(PartitionStats p, String group) {
    return p.groups().stream().filter(g -> g.name().equals(group)).findFirst().orElse(null);
  }

  private static double rate(long count, double seconds) {
    return Math.round(count / seconds * 100) / 100.0;
  }

  private static Map<String, GroupStats> byName(List<GroupStats> groups) {
    Map<String, GroupStats> map = new HashMap<>();
    groups.forEach(g -> map.put(g.name(), g));
    return map;
  }
}
