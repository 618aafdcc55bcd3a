package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * retry.lua: schedules another delivery of an entry this consumer holds, in the group's retry set. Replies {@link
 * Outcome#DONE} when scheduled, {@link Outcome#NOT_OURS} when the entry is not ours (any more), {@link
 * Outcome#FENCED}.
 *
 * @param stream   the partition's stream
 * @param retries  the group's retry set on the partition
 * @param members  the group's members hash on the partition
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param token    this subscription's token
 * @param id       the entry
 * @param dueAt    when it is due (epoch ms)
 */
public record RetryScript(String stream, String retries, String members, String group, String consumer, String token,
                          String id, long dueAt) implements Script.Call {
  private static final Script SCRIPT = new Script("retry");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.NOT_OURS, Outcome.FENCED);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(3).arg(stream).arg(retries).arg(members).arg(group).arg(consumer).arg(token).arg(id).arg(dueAt);
  }
}
