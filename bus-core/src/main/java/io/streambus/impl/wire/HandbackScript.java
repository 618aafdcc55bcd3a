package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * handback.lua: hands entries this consumer read but never started back to the group (graceful close). Replies {@link
 * Outcome#DONE}, {@link Outcome#FENCED} or {@link Outcome#NOT_OURS} (the partition is another's).
 *
 * @param stream   the partition's stream
 * @param members  the group's members hash on the partition
 * @param owner    the partition's owner key with ordered processing, else null
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param token    this subscription's token
 * @param idleMs   how idle the entries look afterwards (ms)
 * @param ids      the entries
 */
public record HandbackScript(String stream, String members, String owner, String group, String consumer,
                             String token, long idleMs, List<String> ids) implements Script.Call {
  private static final Script SCRIPT = new Script("handback");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED, Outcome.NOT_OURS);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(owner == null ? 2 : 3).arg(stream).arg(members);
    if (owner != null) {
      r.arg(owner);
    }
    r.arg(group).arg(consumer).arg(token).arg(idleMs);
    ids.forEach(r::arg);
  }
}
