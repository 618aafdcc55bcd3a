package io.streambus.admin;

import io.streambus.Ordering;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group on one partition, or summed over a topic's partitions ({@link TopicStats#groups()}).
 *
 * @param lag entries in the stream not yet delivered to the group (XINFO GROUPS {@code lag} on Redis 7, counted on
 *     6.2 or when Redis cannot tell)
 * @param pending delivered but not acknowledged (the pending entries list)
 * @param lastDeliveredId the group's last delivered id (null for a sum over partitions)
 * @param entriesRead entries of the stream delivered to the group so far, counting trimmed ones: XINFO GROUPS
 *     {@code entries-read} on Redis 7 (-1 when it reports none, e.g. 7.0 for a group that has not read yet); on 6.2,
 *     which lacks it, {@link PartitionStats#entriesAdded()} minus the lag, both read in one atomic step (-1 when
 *     the lag count reached its cap). Summed over partitions only when every partition knows it, else -1
 * @param oldestUndeliveredAgeMs age of the oldest entry not yet delivered, 0 when none: lag in time
 * @param oldestPendingAgeMs age of the oldest pending entry (from its id), 0 when none
 * @param scheduledRetries failed messages waiting for their backoff to end
 * @param owners with ordered processing ({@link Ordering}), the member that owns each partition: partition number to
 *     consumer name, for the partitions that have an owner now; empty for a group without ordering
 * @param paused whether the group is paused ({@link BusAdmin#pauseGroup}; summed: on any partition)
 */
public record GroupStats(String name, long lag, long pending, String lastDeliveredId, long entriesRead,
                         long oldestUndeliveredAgeMs, long oldestPendingAgeMs, long scheduledRetries,
                         List<ConsumerStats> consumers, Map<Integer, String> owners, boolean paused) {

  /** Stats of a group that is not paused. */
  public GroupStats(String name, long lag, long pending, String lastDeliveredId, long entriesRead,
                    long oldestUndeliveredAgeMs, long oldestPendingAgeMs, long scheduledRetries,
                    List<ConsumerStats> consumers, Map<Integer, String> owners) {
    this(name, lag, pending, lastDeliveredId, entriesRead, oldestUndeliveredAgeMs, oldestPendingAgeMs,
        scheduledRetries, consumers, owners, false);
  }

  /** A group's figures without partition owners (a group without ordered processing). */
  public GroupStats(String name, long lag, long pending, String lastDeliveredId, long entriesRead,
                    long oldestUndeliveredAgeMs, long oldestPendingAgeMs, long scheduledRetries,
                    List<ConsumerStats> consumers) {
    this(name, lag, pending, lastDeliveredId, entriesRead, oldestUndeliveredAgeMs, oldestPendingAgeMs,
        scheduledRetries, consumers, Map.of());
  }

  /** The sum of two partitions' figures for the same group. */
  public GroupStats plus(GroupStats other) {
    Map<String, ConsumerStats> merged = new LinkedHashMap<>();
    for (ConsumerStats c : consumers) {
      merged.put(c.name(), c);
    }
    for (ConsumerStats c : other.consumers) {
      merged.merge(c.name(), c, ConsumerStats::plus);
    }
    long read = entriesRead < 0 || other.entriesRead < 0 ? -1 : entriesRead + other.entriesRead;
    Map<Integer, String> allOwners = new TreeMap<>(owners);
    allOwners.putAll(other.owners);
    return new GroupStats(name, lag + other.lag, pending + other.pending, null, read,
        Math.max(oldestUndeliveredAgeMs, other.oldestUndeliveredAgeMs),
        Math.max(oldestPendingAgeMs, other.oldestPendingAgeMs), scheduledRetries + other.scheduledRetries,
        new ArrayList<>(merged.values()), allOwners, paused || other.paused);
  }

  public JsonObject toJson() {
    JsonArray cs = new JsonArray();
    consumers.forEach(c -> cs.add(c.toJson()));
    JsonObject json = new JsonObject().put("name", name).put("lag", lag).put("pending", pending)
        .put("lastDeliveredId", lastDeliveredId).put("entriesRead", entriesRead)
        .put("oldestUndeliveredAgeMs", oldestUndeliveredAgeMs).put("oldestPendingAgeMs", oldestPendingAgeMs)
        .put("scheduledRetries", scheduledRetries).put("paused", paused).put("consumers", cs);
    if (!owners.isEmpty()) {
      JsonObject o = new JsonObject();
      owners.forEach((partition, owner) -> o.put(Integer.toString(partition), owner));
      json.put("owners", o);
    }
    return json;
  }
}
