package io.streambus.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.TreeSet;

/**
 * A group reset over every partition of a topic: its preview ({@link BusAdmin#previewReset}) or its result
 * ({@link BusAdmin#resetGroup}).
 *
 * @param applied true when every partition on which the group exists was moved; false for a preview, and for a reset
 *     refused because of live members ({@link #liveMembers()} names them) or stopped part way (see each partition's
 *     {@link PartitionReset#applied()})
 * @param partitions one per partition of the topic, in partition order
 */
public record GroupReset(String topic, String group, ResetPosition to, boolean applied,
                         List<PartitionReset> partitions) {
  /**
   * Most entries counted per partition each way: {@value}. Counting runs inside Redis, which serves nobody meanwhile,
   * so it stays bounded; a count equal to it means "at least".
   */
  public static final int COUNT_CAP = 100_000;

  /** Entries skipped on all partitions. */
  public long skipped() {
    return partitions.stream().mapToLong(PartitionReset::skipped).sum();
  }

  /** Entries delivered again on all partitions. */
  public long replayed() {
    return partitions.stream().mapToLong(PartitionReset::replayed).sum();
  }

  /** Entries pending on all partitions; a reset leaves them pending. */
  public long pending() {
    return partitions.stream().mapToLong(PartitionReset::pending).sum();
  }

  /** The group's live members on any partition, sorted. */
  public List<String> liveMembers() {
    TreeSet<String> names = new TreeSet<>();
    partitions.forEach(p -> names.addAll(p.liveMembers()));
    return List.copyOf(names);
  }

  public JsonObject toJson() {
    JsonArray parts = new JsonArray();
    partitions.forEach(p -> parts.add(p.toJson()));
    return new JsonObject().put("topic", topic).put("group", group).put("to", to.toString()).put("applied", applied)
        .put("skipped", skipped()).put("replayed", replayed()).put("pending", pending())
        .put("liveMembers", new JsonArray(liveMembers())).put("partitions", parts);
  }
}
