package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * move_due.lua: moves delayed messages that are due into the stream, atomically.
 *
 * @param delayed the partition's delayed set
 * @param stream  the partition's stream
 * @param now     now (epoch ms)
 * @param limit   the most messages moved
 */
public record MoveDueScript(String delayed, String stream, long now, int limit) implements Script.Call {
  private static final Script SCRIPT = new Script("move_due");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** Runs the step; the future gives how many it moved. */
  public Future<Integer> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      SCRIPT.need(r, 2, SCRIPT.outcome(r, OUTCOMES));
      return r.get(1).toInteger();
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(delayed).arg(stream).arg(now).arg(limit);
  }
}
