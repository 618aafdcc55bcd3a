package io.streambus.admin;

import io.streambus.Topics;
import io.streambus.Ordering;
import io.streambus.ModelWrites;

import io.vertx.core.Future;

import java.util.List;

/**
 * The read model of the bus, for dashboards, health checks and operators: what topics exist and, for each partition,
 * what {@code XINFO STREAM / GROUPS / CONSUMERS} and {@code XPENDING} say, with lag computed where the Redis version
 * does not report it. Every call reads Redis afresh (no caching).
 */
public interface BusAdmin {

  /**
   * The topics known to the bus: every topic a bus has published to or subscribed to (recorded in the topic
   * registry {@code <prefix>:topics}), sorted by name.
   */
  Future<List<String>> topics();

  /**
   * One topic's statistics, every partition and group. Any valid name answers: a topic that was never used (not in
   * {@link #topics()}) has zero-length partitions and no groups, so check {@link #topics()} to tell "unknown" apart.
   */
  Future<TopicStats> topic(String topic);

  /** Statistics of every topic. */
  Future<List<TopicStats>> snapshot();

  /** The partition count recorded for {@code topic}, or the configured one when it was never used. */
  Future<Integer> partitions(String topic);

  /**
   * Deletes a consumer group from every partition of the topic (its pending list and scheduled retries included).
   * Other groups are not affected. Close the group's subscriptions first: a running subscription that finds its
   * group gone recreates it from the beginning of the stream (so that nothing published meanwhile is skipped) and
   * receives again whatever the stream still holds.
   */
  Future<Void> deleteGroup(String topic, String group);

  /**
   * With ordered processing ({@link Ordering}), which member of {@code group} owns each partition of {@code topic}:
   * partition number to consumer name, null for a partition nobody owns now (between owners, or a group without
   * ordering). Every partition of the topic is in the map.
   */
  Future<java.util.Map<Integer, String>> owners(String topic, String group);

  /**
   * A read model kept as a hash per partition (by a projection, {@link ModelWrites#key(String)}): the fields of
   * {@link Topics#modelKey(String, String, int, String) <prefix>:{<topic>:<p>}:model:<name>} for every partition of
   * {@code topic}, in partition order, an empty map where the partition has none. The partitions are read one after
   * another, not at one instant: a projection running meanwhile may have moved on between two of them. Fails when a
   * model key holds another type than a hash ({@code WRONGTYPE}).
   *
   * @param name the model's name, as given to {@link ModelWrites#key(String)}
   */
  Future<List<java.util.Map<String, String>>> modelHash(String topic, String name);
}
