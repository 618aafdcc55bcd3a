package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * adopt.lua: the owner of a partition (ordered processing) takes over the entries pending in the group on it, whoever
 * holds them, in id order. Replies {@link Outcome#DONE} with what it took, or {@link Outcome#NOT_OURS} when the
 * partition is not this subscription's.
 *
 * @param stream   the partition's stream
 * @param owner    the partition's owner key
 * @param moved    the group's moved set on the partition
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param token    this subscription's token
 * @param limit    the most entries to take
 * @param held     ids this subscription holds (not claimed again)
 */
public record AdoptScript(String stream, String owner, String moved, String group, String consumer, String token,
                          int limit, List<String> held) implements Script.Call {
  private static final Script SCRIPT = new Script("adopt");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.NOT_OURS);

  /** Runs the step. */
  public Future<Replies.Claimed> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> ClaimScript.claimed(SCRIPT, r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(3).arg(stream).arg(owner).arg(moved).arg(group).arg(consumer).arg(token).arg(limit);
    held.forEach(r::arg);
  }
}
