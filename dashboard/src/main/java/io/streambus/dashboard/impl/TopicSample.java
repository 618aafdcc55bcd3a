package io.streambus.dashboard.impl;

import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A topic at one sample: the bus's figures, the in-rate and each group's derived figures.
 *
 * @param rateIn entries per second added to the topic since the previous sample, null when not yet known
 */
public record TopicSample(TopicStats stats, Double rateIn, List<GroupSample> groups) {

  public String topic() {
    return stats.topic();
  }

  /**
   * The topic as JSON: the {@link TopicStats} sums, the rate, the groups (with consumers), and with
   * {@code withPartitions} each partition's raw figures.
   */
  public JsonObject toJson(boolean withPartitions) {
    JsonArray gs = new JsonArray();
    groups.forEach(g -> gs.add(g.toJson()));
    JsonObject json = new JsonObject().put("topic", topic()).put("sampledAt", stats.sampledAt())
        .put("partitionCount", stats.partitions().size()).put("length", stats.length())
        .put("entriesAdded", stats.entriesAdded()).put("deadLetters", stats.deadLetters())
        .put("scheduled", stats.scheduled()).put("rateIn", rateIn).put("groups", gs);
    if (withPartitions) {
      JsonArray parts = new JsonArray();
      stats.partitions().stream().map(PartitionStats::toJson).forEach(parts::add);
      json.put("partitions", parts);
    }
    return json;
  }
}
