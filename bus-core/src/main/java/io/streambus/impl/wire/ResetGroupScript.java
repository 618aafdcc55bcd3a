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
 * reset_group.lua: moves a group's position on one partition (XGROUP SETID), or previews the move, after checking
 * the group's live members, in one step.
 *
 * @param stream  the partition's stream
 * @param members the group's members hash on that partition
 * @param group   the group
 * @param target  {@code earliest}, {@code latest}, {@code id} or {@code time}
 * @param id      the id for {@code id}, the largest id before the time for {@code time}, else ignored
 * @param now     epoch ms of the caller's clock (the clock the members hash's expiries are written with)
 * @param apply   false: only count and report
 * @param force   move even while live members hold the group
 * @param cap     the most entries counted each way
 */
public record ResetGroupScript(String stream, String members, String group, String target, String id, long now,
                               boolean apply, boolean force, long cap) implements Script.Call {
  private static final Script SCRIPT = new Script("reset_group");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.GONE, Outcome.INVALID,
      Outcome.CONFLICT);

  /**
   * The script's answer.
   *
   * @param outcome {@link Outcome#DONE}; {@link Outcome#GONE}: no such stream or group; {@link Outcome#INVALID}: the id
   *     is after {@code lastGeneratedId}; {@link Outcome#CONFLICT}: live members, nothing moved
   * @param liveMembers the group's live members on the partition (with DONE and CONFLICT)
   */
  public record Reply(Outcome outcome, String fromId, String toId, long skipped, long replayed, long pending,
                      boolean applied, List<String> liveMembers, String lastGeneratedId) {
  }

  /** Runs the step; the future gives its reply. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      Outcome o = SCRIPT.outcome(r, OUTCOMES);
      switch (o) {
        case GONE:
          return new Reply(o, null, null, 0, 0, 0, false, List.of(), null);
        case INVALID:
          SCRIPT.need(r, 2, o);
          return new Reply(o, null, null, 0, 0, 0, false, List.of(), r.get(1).toString());
        case CONFLICT:
          return new Reply(o, null, null, 0, 0, 0, false, names(r, 1), null);
        default:
          SCRIPT.need(r, 7, o);
          return new Reply(o, r.get(1).toString(), r.get(2).toString(), r.get(3).toLong(), r.get(4).toLong(),
              r.get(5).toLong(), r.get(6).toLong() == 1, names(r, 7), null);
      }
    });
  }

  private static List<String> names(Response r, int from) {
    List<String> names = new ArrayList<>();
    for (int i = from; i < r.size(); i++) {
      names.add(r.get(i).toString());
    }
    return names;
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(stream).arg(members).arg(group).arg(target).arg(id == null ? "" : id).arg(now)
        .arg(apply ? "apply" : "preview").arg(force ? "force" : "").arg(cap);
  }
}
