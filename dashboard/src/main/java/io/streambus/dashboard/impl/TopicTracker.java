package io.streambus.dashboard.impl;

import io.streambus.GroupStats;
import io.streambus.TopicStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    Long delivered = before == null || seconds <= 0 ? null : delivered(previous, before, now, g);
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

  /**
   * Entries delivered to the group between two samples: from {@code entries-read} where Redis reports it on every
   * partition, else from the topic's added entries minus the lag (what has been read, counted from the other end).
   */
  static long delivered(TopicStats topicBefore, GroupStats before, TopicStats topicNow, GroupStats now) {
    long delta = before.entriesRead() >= 0 && now.entriesRead() >= 0
        ? now.entriesRead() - before.entriesRead()
        : (topicNow.entriesAdded() - now.lag()) - (topicBefore.entriesAdded() - before.lag());
    return Math.max(0, delta);
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
