package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * presence.lua: renews (or withdraws) a responder's presence on a partition.
 *
 * @param presence the partition's presence set ({@link Keys#presence})
 * @param member   {@code group|consumer}
 * @param ttlMs    how long the presence lasts from now; 0 withdraws it
 */
public record PresenceScript(String presence, String member, long ttlMs) implements Script.Call {
  private static final Script SCRIPT = new Script("presence");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  public Future<Void> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      SCRIPT.outcome(r, OUTCOMES);
      return null;
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(presence).arg(member).arg(ttlMs);
  }
}
