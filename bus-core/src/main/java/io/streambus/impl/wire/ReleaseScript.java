package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * release.lua: gives up ownership of a partition, if it is still this subscription's. Replies {@link Outcome#DONE}
 * when released, {@link Outcome#NOT_OURS} when it was not ours.
 *
 * @param owner    the partition's owner key
 * @param consumer this consumer's name
 * @param token    this subscription's token
 */
public record ReleaseScript(String owner, String consumer, String token) implements Script.Call {
  private static final Script SCRIPT = new Script("release");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.NOT_OURS);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(owner).arg(consumer).arg(token);
  }
}
