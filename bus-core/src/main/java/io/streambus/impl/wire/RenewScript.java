package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * renew.lua: renews this consumer's leases on one partition, keeps its membership of the group and, with ordered
 * processing, its ownership of the partition, in one step (or joins the group).
 *
 * @param stream        the partition's stream
 * @param members       the group's members hash on the partition
 * @param paused        the group's pause flag on the partition
 * @param owner         the partition's owner key with ordered processing, else null
 * @param group         the consumer group
 * @param consumer      this consumer's name
 * @param token         this subscription's token
 * @param claimMinIdleMs this consumer's claim min idle (ms)
 * @param now           now (epoch ms)
 * @param memberTtlMs   the membership's time to live (ms)
 * @param join          true for a subscription starting (it takes the name over from whichever process held it)
 * @param ownerTtlMs    the ownership's time to live (ms)
 * @param ordering      its ordering's name (NONE, PARTITION, KEY)
 * @param held          the ids it holds
 */
public record RenewScript(String stream, String members, String paused, String owner, String group, String consumer, String token,
                          long claimMinIdleMs, long now, long memberTtlMs, boolean join, long ownerTtlMs,
                          String ordering, List<String> held) implements Script.Call {
  private static final Script SCRIPT = new Script("renew");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED, Outcome.CONFLICT);

  /**
   * {@link Outcome#FENCED}: another process took this consumer name. {@link Outcome#CONFLICT} (joining only): a live
   * member, {@code conflictMember}, uses another ordering, {@code conflictOrdering}; this one did not join. {@link
   * Outcome#DONE}: the smallest claim min idle among the other live members (-1 when none); whether joining replaced a
   * live member of the same name; the partition's owner's consumer name ("" when none, or without an owner key);
   * whether the group is paused; the live members' names; the held ids lost (pending on another consumer, or
   * acknowledged by one).
   */
  public record Reply(Outcome outcome, long othersMinIdle, boolean tookOver, String owner, boolean paused,
                      List<String> members,
                      List<String> lost, String conflictMember, String conflictOrdering) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(RenewScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(owner == null ? 3 : 4).arg(stream).arg(members).arg(paused);
    if (owner != null) {
      r.arg(owner);
    }
    r.arg(group).arg(consumer).arg(token).arg(claimMinIdleMs).arg(now).arg(memberTtlMs).arg(join ? "join" : "renew")
        .arg(ownerTtlMs).arg(ordering);
    held.forEach(r::arg);
  }

  static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o == Outcome.FENCED) {
      return new Reply(o, -1, false, "", false, List.of(), List.of(), null, null);
    }
    if (o == Outcome.CONFLICT) {
      SCRIPT.need(r, 3, o);
      return new Reply(o, -1, false, "", false, List.of(), List.of(), r.get(1).toString(), r.get(2).toString());
    }
    SCRIPT.need(r, 7, o);
    int count = r.get(5).toInteger();
    int at = 6;
    SCRIPT.need(r, at + count + 1, o);
    List<String> names = new ArrayList<>(count);
    for (int i = at; i < at + count; i++) {
      names.add(r.get(i).toString());
    }
    at += count;
    int lostCount = r.get(at).toInteger();
    SCRIPT.need(r, at + 1 + lostCount, o);
    List<String> lost = new ArrayList<>(lostCount);
    for (int i = at + 1; i <= at + lostCount; i++) {
      lost.add(r.get(i).toString());
    }
    return new Reply(o, r.get(1).toLong(), r.get(2).toInteger() == 1, r.get(3).toString(), r.get(4).toInteger() == 1,
        names, lost, null, null);
  }
}
