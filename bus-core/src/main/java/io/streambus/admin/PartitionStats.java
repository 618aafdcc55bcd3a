package io.streambus.admin;

import io.streambus.OutgoingMessage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One partition (one stream) of a topic.
 *
 * @param stream the stream's key
 * @param length XLEN
 * @param entriesAdded entries ever added: XINFO STREAM {@code entries-added} on Redis 7; on 6.2, which lacks it, the
 *     length plus the entries the bus's trimming removed (counted in {@code <stream>:trimmed}), read in one atomic
 *     step. Entries removed otherwise on 6.2 (XDEL, or XTRIM / XADD MAXLEN by another client) are not counted, and
 *     rates derived from this figure then read low for the interval in which that happened.
 * @param firstId id of the oldest entry, or null when empty
 * @param lastId last generated id ({@code last-generated-id}), or null when the stream does not exist
 * @param deadLetters length of the partition's dead-letter stream
 * @param scheduled delayed messages not yet due plus scheduled retries of all groups
 * @param idempotencyKeys idempotency keys the partition remembers ({@link OutgoingMessage#idempotencyKey}): those of
 *     the idempotency window, plus expired ones not yet forgotten (keyed publishes forget them as they go, and all
 *     are gone one window after the last keyed publish)
 */
public record PartitionStats(int partition, String stream, long length, long entriesAdded, String firstId,
                             String lastId, long deadLetters, long scheduled, List<GroupStats> groups,
                             long idempotencyKeys) {

  /** Without idempotency keys (as before they were counted). */
  public PartitionStats(int partition, String stream, long length, long entriesAdded, String firstId, String lastId,
                        long deadLetters, long scheduled, List<GroupStats> groups) {
    this(partition, stream, length, entriesAdded, firstId, lastId, deadLetters, scheduled, groups, 0);
  }

  public JsonObject toJson() {
    JsonArray gs = new JsonArray();
    groups.forEach(g -> gs.add(g.toJson()));
    return new JsonObject().put("partition", partition).put("stream", stream).put("length", length)
        .put("entriesAdded", entriesAdded).put("firstId", firstId).put("lastId", lastId)
        .put("deadLetters", deadLetters).put("scheduled", scheduled).put("idempotencyKeys", idempotencyKeys)
        .put("groups", gs);
  }
}
