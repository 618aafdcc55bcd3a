package io.streambus.dashboard.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last samples, reduced to the figures the charts draw, in a bounded ring. Thread-safe: the sampler appends on
 * its context while HTTP requests read on theirs.
 */
final class History {
  private final int capacity;
  private final Deque<Point> points = new ArrayDeque<>();

  /** What is kept of one group at one sample. */
  private record GroupFigures(long lag, long lagMs, long pending, Double deliveredRate, Double ackedRate) {
  }

  /** What is kept of one topic at one sample. */
  private record TopicFigures(long length, long deadLetters, Double rateIn, Map<String, GroupFigures> groups) {
  }

  private record Point(long t, Map<String, TopicFigures> topics) {
  }

  History(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(Sample sample) {
    Map<String, TopicFigures> topics = new LinkedHashMap<>();
    for (TopicSample t : sample.topics()) {
      Map<String, GroupFigures> groups = new LinkedHashMap<>();
      for (GroupSample g : t.groups()) {
        groups.put(g.name(), new GroupFigures(g.stats().lag(), g.stats().oldestUndeliveredAgeMs(),
            g.stats().pending(), g.deliveredRate(), g.ackedRate()));
      }
      topics.put(t.topic(), new TopicFigures(t.stats().length(), t.stats().deadLetters(), t.rateIn(), groups));
    }
    points.addLast(new Point(sample.sampledAt(), topics));
    while (points.size() > capacity) {
      points.removeFirst();
    }
  }

  /**
   * One topic's series since {@code sinceMs}, column-wise as charting libraries take them: one array per figure,
   * aligned with {@code t}; null where the topic or group did not exist yet.
   */
  JsonObject columns(String topic, long sinceMs) {
    List<Point> selected = select(sinceMs);
    JsonArray t = new JsonArray();
    JsonArray length = new JsonArray();
    JsonArray rateIn = new JsonArray();
    JsonArray deadLetters = new JsonArray();
    Set<String> groupNames = new LinkedHashSet<>();
    selected.forEach(p -> {
      TopicFigures f = p.topics().get(topic);
      if (f != null) {
        groupNames.addAll(f.groups().keySet());
      }
    });
    Map<String, Map<String, JsonArray>> groups = new LinkedHashMap<>();
    groupNames.forEach(g -> groups.put(g, groupColumns()));
    for (Point p : selected) {
      TopicFigures f = p.topics().get(topic);
      t.add(p.t());
      length.add(f == null ? null : f.length());
      rateIn.add(f == null ? null : f.rateIn());
      deadLetters.add(f == null ? null : f.deadLetters());
      groups.forEach((name, cols) -> addGroup(cols, f == null ? null : f.groups().get(name)));
    }
    JsonObject gs = new JsonObject();
    groups.forEach((name, cols) -> gs.put(name, new JsonObject(new LinkedHashMap<>(cols))));
    return new JsonObject().put("topic", topic).put("t", t).put("length", length).put("rateIn", rateIn)
        .put("deadLetters", deadLetters).put("groups", gs);
  }

  private synchronized List<Point> select(long sinceMs) {
    List<Point> out = new ArrayList<>();
    points.forEach(p -> {
      if (p.t() >= sinceMs) {
        out.add(p);
      }
    });
    return out;
  }

  private static Map<String, JsonArray> groupColumns() {
    Map<String, JsonArray> cols = new LinkedHashMap<>();
    for (String name : List.of("lag", "lagMs", "pending", "deliveredRate", "ackedRate")) {
      cols.put(name, new JsonArray());
    }
    return cols;
  }

  private static void addGroup(Map<String, JsonArray> cols, GroupFigures g) {
    cols.get("lag").add(g == null ? null : g.lag());
    cols.get("lagMs").add(g == null ? null : g.lagMs());
    cols.get("pending").add(g == null ? null : g.pending());
    cols.get("deliveredRate").add(g == null ? null : g.deliveredRate());
    cols.get("ackedRate").add(g == null ? null : g.ackedRate());
  }
}
