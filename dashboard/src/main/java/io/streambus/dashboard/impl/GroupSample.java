package io.streambus.dashboard.impl;

import io.streambus.admin.GroupStats;
import io.vertx.core.json.JsonObject;

/**
 * A group's figures at one sample with what the dashboard derives from the samples before it.
 *
 * @param deliveredRate entries per second delivered to the group, null when not yet known
 * @param ackedRate entries per second that left its pending list (acknowledged or dead-lettered), null when not yet known
 */
public record GroupSample(GroupStats stats, Double deliveredRate, Double ackedRate, GroupState state) {

  public String name() {
    return stats.name();
  }

  public JsonObject toJson() {
    return stats.toJson().put("state", state.name()).put("deliveredRate", deliveredRate).put("ackedRate", ackedRate);
  }
}
