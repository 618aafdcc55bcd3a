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
 * ack.lua: acknowledges the entries of one partition this consumer still holds, and only those (the acknowledgement
 * step, once per partition and batch).
 *
 * @param stream  the partition's stream
 * @param members the group's members hash on the partition
 * @param moved   the group's moved set on the partition
 * @param owner   the partition's owner key with ordered processing (it must name this subscription), else null
 * @param group   the consumer group
 * @param consumer this consumer's name
 * @param token   this subscription's token
 * @param now     now (epoch ms): a membership is live until its expiry
 * @param ids     the entry ids to acknowledge
 */
public record AckScript(String stream, String members, String moved, String owner, String group, String consumer,
                        String token, long now, List<String> ids) implements Script.Call {
  private static final Script SCRIPT = new Script("ack");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED, Outcome.NOT_OURS);

  /**
   * What the step did: with {@link Outcome#DONE}, how many it acknowledged, how many were pending nowhere (trimmed or
   * acknowledged already: nothing to settle, and not a lost lease) and the ids a peer holds now; {@link
   * Outcome#FENCED} or {@link Outcome#NOT_OURS} (the partition has another owner) acknowledged nothing.
   */
  public record Reply(Outcome outcome, int acked, int trimmed, List<String> notOurs) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(AckScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(owner == null ? 3 : 4).arg(stream).arg(members).arg(moved);
    if (owner != null) {
      r.arg(owner);
    }
    r.arg(group).arg(consumer).arg(token).arg(now);
    for (int i = 0; i < ids.size(); i++) {
      r.arg(ids.get(i));
    }
  }

  static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o != Outcome.DONE) {
      return new Reply(o, 0, 0, List.of());
    }
    SCRIPT.need(r, 3, o);
    int n = r.size();
    List<String> notOurs = List.of();
    if (n > 3) {
      notOurs = new ArrayList<>(n - 3);
      for (int i = 3; i < n; i++) {
        notOurs.add(r.get(i).toString());
      }
    }
    return new Reply(o, r.get(1).toInteger(), r.get(2).toInteger(), notOurs);
  }
}
