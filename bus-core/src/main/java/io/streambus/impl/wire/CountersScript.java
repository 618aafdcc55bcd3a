package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * counters.lua: the counters Redis 7 keeps and 6.2 lacks, read in one atomic step so that they agree.
 *
 * @param stream  the partition's stream
 * @param trimmed its trim counter
 * @param cap     the cap of each group's lag count
 */
public record CountersScript(String stream, String trimmed, long cap) implements Script.Call {
  private static final Script SCRIPT = new Script("counters");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** The stream's length, what trimming ever removed from it, and each group's lag (the cap means "at least"). */
  public record Reply(long length, long trimmed, Map<String, Long> lags) {
  }

  /** Reads the counters. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(CountersScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(stream).arg(trimmed).arg(cap);
  }

  static Reply reply(Response r) {
    SCRIPT.need(r, 3, SCRIPT.outcome(r, OUTCOMES));
    Map<String, Long> lags = new HashMap<>();
    for (int i = 3; i + 1 < r.size(); i += 2) {
      lags.put(r.get(i).toString(), r.get(i + 1).toLong());
    }
    return new Reply(r.get(1).toLong(), r.get(2).toLong(), lags);
  }
}
