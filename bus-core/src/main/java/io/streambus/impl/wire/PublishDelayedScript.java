package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * publish_delayed.lua: schedules a message for later delivery in the partition's delayed set.
 *
 * @param delayed the partition's delayed set
 * @param dueAt   when it is delivered (epoch ms)
 * @param token   unique per message, so that equal messages never collapse into one member
 * @param fields  the entry's fields ({@link EntryCodec#encode})
 */
public record PublishDelayedScript(String delayed, long dueAt, String token, List<Object> fields)
    implements Script.Call {
  private static final Script SCRIPT = new Script("publish_delayed");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** Runs the step. */
  public Future<Void> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> {
      SCRIPT.outcome(r, OUTCOMES);
      return null;
    });
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(delayed).arg(dueAt).arg(token);
    EntryCodec.addEncoded(r, fields);
  }
}
