package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * leave.lua: a subscription leaves the group on one partition: its membership goes (if it is still its own), and the
 * consumer too when it holds nothing. Replies {@link Outcome#DONE}, or {@link Outcome#FENCED} when another process
 * holds the name now (nothing changed).
 *
 * @param stream   the partition's stream
 * @param members  the group's members hash on the partition
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param token    this subscription's token
 */
public record LeaveScript(String stream, String members, String group, String consumer, String token)
    implements Script.Call {
  private static final Script SCRIPT = new Script("leave");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(stream).arg(members).arg(group).arg(consumer).arg(token);
  }
}
