package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * count_after.lua: counts a stream's entries after an id (a group's lag where Redis does not report it), up to a cap.
 *
 * @param stream the stream
 * @param after  the id counted after (exclusive)
 * @param cap    the most counted: a count equal to it means "at least"
 */
public record CountAfterScript(String stream, String after, long cap) implements Script.Call {
  private static final Script SCRIPT = new Script("count_after");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** Runs the count; the future gives it. */
  public Future<Long> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      SCRIPT.need(r, 2, SCRIPT.outcome(r, OUTCOMES));
      return r.get(1).toLong();
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(stream).arg(after).arg(cap);
  }
}
