package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * replay.lua: re-delivers a dead letter to the group that failed it and deletes the dead letter, atomically.
 *
 * @param deadLetters the partition's dead-letter stream
 * @param stream      the partition's stream
 * @param id          the dead letter
 */
public record ReplayScript(String deadLetters, String stream, String id) implements Script.Call {
  private static final Script SCRIPT = new Script("replay");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.GONE);

  /** Runs the step; the future gives the new entry's id, or null when there is no such dead letter. */
  public Future<String> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      Outcome o = SCRIPT.outcome(r, OUTCOMES);
      if (o == Outcome.GONE) {
        return null;
      }
      SCRIPT.need(r, 2, o);
      return r.get(1).toString();
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(deadLetters).arg(stream).arg(id);
  }
}
