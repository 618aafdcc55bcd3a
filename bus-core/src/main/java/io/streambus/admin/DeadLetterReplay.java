package io.streambus.admin;

import io.vertx.core.json.JsonObject;

/**
 * What one {@link DeadLetters#replayAll} call did.
 *
 * @param replayed dead letters re-delivered to their group and removed from the dead letters
 * @param skipped dead letters that matched but were left where they are: no group recorded in them (written by
 *     another tool), or their group no longer exists on the partition's stream (a replay would reach nobody)
 * @param examined dead letters looked at, matching or not
 * @param nextCursor where to continue, or null when every dead letter the run covers has been examined
 */
public record DeadLetterReplay(long replayed, long skipped, long examined, String nextCursor) {

  /** True when the run is over: nothing is left to examine. */
  public boolean complete() {
    return nextCursor == null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("replayed", replayed).put("skipped", skipped).put("examined", examined)
        .put("nextCursor", nextCursor);
  }
}
