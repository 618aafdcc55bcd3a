package io.streambus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One partition (one stream) of a topic.
 *
 * @param stream the stream's key
 * @param length XLEN
 * @param entriesAdded entries ever added (XINFO STREAM {@code entries-added}, Redis 7; the length on 6.2)
 * @param firstId id of the oldest entry, or null when empty
 * @param lastId last generated id ({@code last-generated-id}), or null when the stream does not exist
 * @param deadLetters length of the partition's dead-letter stream
 * @param scheduled delayed messages not yet due plus scheduled retries of all groups
 */
public record PartitionStats(int partition, String stream, long length, long entriesAdded, String firstId,
                             String lastId, long deadLetters, long scheduled, List<GroupStats> groups) {

  public JsonObject toJson() {
    JsonArray gs = new JsonArray();
    groups.forEach(g -> gs.add(g.toJson()));
    return new JsonObject().put("partition", partition).put("stream", stream).put("length", length)
        .put("entriesAdded", entriesAdded).put("firstId", firstId).put("lastId", lastId)
        .put("deadLetters", deadLetters).put("scheduled", scheduled).put("groups", gs);
  }
}
