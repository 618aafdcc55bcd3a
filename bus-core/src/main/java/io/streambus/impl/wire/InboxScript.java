package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * inbox.lua: creates a bus's reply stream when missing, trims what was read, and renews its time to live.
 *
 * @param inbox    the reply stream ({@link Keys#inbox})
 * @param ttlMs    its time to live from now
 * @param lastRead the id of the last entry the bus read (entries before it go), or null for none
 */
public record InboxScript(String inbox, long ttlMs, String lastRead) implements Script.Call {
  private static final Script SCRIPT = new Script("inbox");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** True when the stream was missing and has been created (first use, or it expired or was evicted meanwhile). */
  public Future<Boolean> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      Outcome o = SCRIPT.outcome(r, OUTCOMES);
      SCRIPT.need(r, 2, o);
      return r.get(1).toLong() == 1;
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(inbox).arg(ttlMs).arg(lastRead == null ? "" : lastRead);
  }
}
