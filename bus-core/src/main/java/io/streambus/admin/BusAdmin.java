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
   * Pauses a consumer group, for instance while a service it calls is down: within one lease renewal (a quarter of
   * the group's smallest claim min idle) every member stops starting messages. Handlers already running finish and
   * are acknowledged as usual; what members hold (read, queued, waiting for a retry) stays held with its lease renewed,
   * so no peer reclaims it and nothing is dead-lettered or lost because of the pause; reclaim and due retries wait
   * too. Members that join while the group is paused start paused. The pause is a flag on every partition
   * ({@code <prefix>:{<topic>:<p>}:paused:<group>}), kept until {@link #resumeGroup}; {@link GroupStats#paused()}
   * and the gauge {@code streambus.group.paused} show it. Pausing a paused group changes nothing.
   */
  Future<Void> pauseGroup(String topic, String group);

  /**
   * Ends {@link #pauseGroup}: within one lease renewal the members start what they hold, in order, and read on
   * where they were. Resuming a group that is not paused changes nothing. A subscription paused by its own
   * {@code Subscription.pause()} stays paused.
   */
  Future<Void> resumeGroup(String topic, String group);

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

  /** Most entries one {@link #read} call returns: {@value}. */
  int MAX_READ = 1_000;

  /**
   * Entries of one partition's stream after {@code after}, oldest first, at most {@code limit}: a page of the stream
   * read without a consumer group (an {@code XRANGE} with an exclusive start), which changes nothing in Redis. Page on
   * with the last id returned; follow new entries by asking again with the last id seen. Fails with an
   * {@link IllegalArgumentException} for a partition the topic does not have, an id that is not one or a limit out of
   * range.
   *
   * @param after an entry id ({@code <millis>-<seq>}); entries after it are returned. Null or {@code 0-0}: from the
   *     oldest entry
   * @param limit 1..{@value #MAX_READ}
   */
  Future<List<StreamEntry>> read(String topic, int partition, String after, int limit);

  /**
   * Entries of one partition's stream before {@code before}, newest first, at most {@code limit}: {@link #read}
   * backwards (an {@code XREVRANGE} with an exclusive end), which changes nothing in Redis. Page on towards older
   * entries with the last id returned; an empty list means there is nothing older. Fails as {@link #read} does.
   *
   * @param before an entry id ({@code <millis>-<seq>}); entries before it are returned. Null: from the newest entry;
   *     {@code 0-0}: nothing
   * @param limit 1..{@value #MAX_READ}
   */
  Future<List<StreamEntry>> readBackward(String topic, int partition, String before, int limit);

  /**
   * Which consumer groups hold one entry pending (delivered, not yet acknowledged): per group of the partition that
   * does, its holder, idle time and delivery count, as {@code XPENDING} bounded to that one id reports them, in the
   * order of {@code XINFO GROUPS}. Empty when no group holds it, when the partition has no groups, or when there is
   * no such entry (a pending entry that was trimmed is still reported: its id stays in the pending list). One
   * {@code XINFO GROUPS} and one {@code XPENDING} per group with anything pending. Fails with an
   * {@link IllegalArgumentException} for a partition the topic does not have or an id that is not one.
   */
  Future<List<EntryDelivery>> deliveries(String topic, int partition, String id);

  /** One entry of a partition's stream, or null when the stream has no entry with that id (trimmed, or never was). */
  Future<StreamEntry> entry(String topic, int partition, String id);

  /**
   * What {@link #resetGroup} would do, changing nothing: per partition, the group's position now and after, the
   * entries it would skip or deliver again (counted inside Redis, up to {@link GroupReset#COUNT_CAP}), what is pending
   * (which a reset leaves pending) and the group's live members. {@link GroupReset#applied()} is false. Fails with an
   * {@link IllegalArgumentException} when the group exists on no partition of the topic, or when {@code to} is an id
   * ({@link ResetPosition#afterId}) after some partition's last generated id: that is no position the partition has
   * been at. (A time after a partition's last entry is its end.)
   */
  Future<GroupReset> previewReset(String topic, String group, ResetPosition to);

  /**
   * Moves a consumer group's position on every partition of the topic ({@code XGROUP SETID}): delivery resumes after
   * {@code to}, so the entries between the old and the new position are skipped (moving forward) or delivered again
   * (moving back). The result says, per partition, how many (counted as {@link #previewReset} does).
   *
   * <p>What is pending stays pending: entries delivered and not yet acknowledged remain held by their consumers (or
   * are reclaimed, retried and dead-lettered as usual); a reset neither acknowledges nor drops them. Scheduled retries
   * stay scheduled. Dead letters are not touched.
   *
   * <p>Refused while the group has live members (subscriptions whose membership, renewed by their lease renewal, has
   * not expired): a running reader may be about to deliver from the old position, and its in-flight work would mix
   * with the new one. Then nothing is moved and the result, with {@link GroupReset#applied()} false, names the
   * members in {@link GroupReset#liveMembers()}. With {@code force} the reset goes ahead anyway; running members read
   * from the new position at their next read.
   *
   * <p>Each partition moves in one atomic step (the live-member check, the counts and {@code XGROUP SETID}, on the
   * node that owns the partition in a cluster), but the partitions one after another: a member that joins between
   * the check over all partitions and a partition's step stops the reset there (that partition's
   * {@link PartitionReset#applied()} is false, and so is the result's). Fails as {@link #previewReset} does.
   */
  Future<GroupReset> resetGroup(String topic, String group, ResetPosition to, boolean force);
}
