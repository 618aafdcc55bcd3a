package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * redeliver.lua: delivers an entry this subscription holds once more, in place (ordered processing), counting the
 * delivery in Redis.
 *
 * @param stream   the partition's stream
 * @param members  the group's members hash on the partition
 * @param owner    the partition's owner key
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param token    this subscription's token
 * @param id       the entry
 */
public record RedeliverScript(String stream, String members, String owner, String group, String consumer,
                              String token, String id) implements Script.Call {
  private static final Script SCRIPT = new Script("redeliver");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED, Outcome.NOT_OURS,
      Outcome.GONE);

  /**
   * {@link Outcome#DONE} with the delivery count and the entry's fields; {@link Outcome#FENCED}; {@link
   * Outcome#NOT_OURS} (the entry or the partition is not ours any more); {@link Outcome#GONE} (its entry is gone:
   * acknowledged).
   */
  public record Reply(Outcome outcome, int deliveries, Map<String, Buffer> fields) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(RedeliverScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(3).arg(stream).arg(members).arg(owner).arg(group).arg(consumer).arg(token).arg(id);
  }

  static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o != Outcome.DONE) {
      return new Reply(o, 0, Map.of());
    }
    SCRIPT.need(r, 3, o);
    return new Reply(o, r.get(1).toInteger(), EntryCodec.fields(r.get(2)));
  }
}
