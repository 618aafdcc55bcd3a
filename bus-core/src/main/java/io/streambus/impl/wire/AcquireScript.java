package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * acquire.lua: takes ownership of a partition for ordered processing, if nobody holds it. Replies {@link
 * Outcome#DONE} when this subscription owns it now (it may have owned it already), else {@link Outcome#NOT_OURS}.
 *
 * @param owner    the partition's owner key
 * @param consumer this consumer's name
 * @param token    this subscription's token
 * @param ttlMs    the ownership's time to live (ms), which the owner's renewals extend
 */
public record AcquireScript(String owner, String consumer, String token, long ttlMs) implements Script.Call {
  private static final Script SCRIPT = new Script("acquire");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.NOT_OURS);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(owner).arg(consumer).arg(token).arg(ttlMs);
  }
}
