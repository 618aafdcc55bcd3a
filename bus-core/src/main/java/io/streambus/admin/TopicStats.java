package io.streambus.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic at one moment: its partitions, and per group the sums over partitions.
 *
 * @param sampledAt epoch millis at which the figures were read
 */
public record TopicStats(String topic, long sampledAt, List<PartitionStats> partitions) {

  /** Entries in all partitions' streams. */
  public long length() {
    return partitions.stream().mapToLong(PartitionStats::length).sum();
  }

  /** Dead letters in all partitions. */
  public long deadLetters() {
    return partitions.stream().mapToLong(PartitionStats::deadLetters).sum();
  }

  /** Delayed messages and scheduled retries not yet due, in all partitions. */
  public long scheduled() {
    return partitions.stream().mapToLong(PartitionStats::scheduled).sum();
  }

  /** Entries ever added to all partitions (see {@link PartitionStats#entriesAdded()}, also for Redis 6.2). */
  public long entriesAdded() {
    return partitions.stream().mapToLong(PartitionStats::entriesAdded).sum();
  }

  /** Idempotency keys remembered in all partitions (see {@link PartitionStats#idempotencyKeys()}). */
  public long idempotencyKeys() {
    return partitions.stream().mapToLong(PartitionStats::idempotencyKeys).sum();
  }

  /** Per group, the partitions' figures summed (ages: the maximum; consumers: merged by name). */
  public List<GroupStats> groups() {
    Map<String, GroupStats> byName = new LinkedHashMap<>();
    for (PartitionStats p : partitions) {
      for (GroupStats g : p.groups()) {
        byName.merge(g.name(), g, GroupStats::plus);
      }
    }
    return new ArrayList<>(byName.values());
  }

  public JsonObject toJson() {
    JsonArray parts = new JsonArray();
    partitions.forEach(p -> parts.add(p.toJson()));
    JsonArray groups = new JsonArray();
    groups().forEach(g -> groups.add(g.toJson()));
    return new JsonObject().put("topic", topic).put("sampledAt", sampledAt).put("length", length())
        .put("entriesAdded", entriesAdded()).put("deadLetters", deadLetters()).put("scheduled", scheduled())
        .put("idempotencyKeys", idempotencyKeys())
        .put("groups", groups).put("partitions", parts);
  }
}
