package io.streambus.admin;

import io.vertx.core.json.JsonObject;

/**
 * One consumer of a group (XINFO CONSUMERS).
 *
 * @param pending messages it holds unacknowledged
 * @param idleMs ms since its last attempted interaction (read or claim)
 */
public record ConsumerStats(String name, long pending, long idleMs) {

  /** The same consumer on two partitions: pending summed, the smaller idle time. */
  public ConsumerStats plus(ConsumerStats other) {
    return new ConsumerStats(name, pending + other.pending, Math.min(idleMs, other.idleMs));
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("pending", pending).put("idleMs", idleMs);
  }
}
