package io.streambus.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a group reset does, or would do, on one partition. Counts stop at {@link GroupReset#COUNT_CAP}: a figure equal
 * to it means "at least".
 *
 * @param fromId the group's last delivered id before the reset; null when the group (or the stream) does not exist on
 *     this partition, which is then left alone
 * @param toId the last delivered id after it
 * @param skipped entries between the two that the group never received and now never will (moving forward)
 * @param replayed entries between the two that the group received before and will receive again (moving back)
 * @param pending entries delivered and not yet acknowledged: a reset leaves them pending, held by their consumers
 * @param applied true when the position was moved
 * @param liveMembers the group's live members on the partition when the step ran
 */
public record PartitionReset(int partition, String fromId, String toId, long skipped, long replayed, long pending,
                             boolean applied, List<String> liveMembers) {

  /** False when the group does not exist on this partition. */
  public boolean exists() {
    return fromId != null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("partition", partition).put("exists", exists()).put("fromId", fromId)
        .put("toId", toId).put("skipped", skipped).put("replayed", replayed).put("pending", pending)
        .put("applied", applied).put("liveMembers", new JsonArray(List.copyOf(liveMembers)));
  }
}
