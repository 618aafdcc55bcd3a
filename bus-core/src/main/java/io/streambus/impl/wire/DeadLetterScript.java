package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.Set;

/**
 * dead_letter.lua: moves one entry this consumer holds to the dead-letter stream and acknowledges it, atomically.
 *
 * @param stream      the partition's stream
 * @param deadLetters the partition's dead-letter stream
 * @param retries     the group's retry set on the partition
 * @param members     the group's members hash on the partition
 * @param owner       the partition's owner key with ordered processing, else null
 * @param group       the consumer group
 * @param id          the entry
 * @param consumer    this consumer's name
 * @param token       this subscription's token
 * @param deliveries  the deliveries recorded with the dead letter
 * @param errorClass  the error's class, recorded
 * @param error       the error's text, recorded
 * @param now         when (epoch ms), recorded
 */
public record DeadLetterScript(String stream, String deadLetters, String retries, String members, String owner,
                               String group, String id, String consumer, String token, int deliveries,
                               String errorClass, String error, long now) implements Script.Call {
  private static final Script SCRIPT = new Script("dead_letter");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.GONE, Outcome.SETTLED,
      Outcome.NOT_OURS, Outcome.FENCED);

  /**
   * What the step did: {@link Outcome#DONE} with the dead letter's id; {@link Outcome#GONE}: the entry no longer
   * exists (acknowledged all the same); {@link Outcome#SETTLED}: it was pending nowhere (a run whose reply was lost);
   * {@link Outcome#NOT_OURS}: a peer holds it, or the partition; {@link Outcome#FENCED}.
   */
  public record Reply(Outcome outcome, String deadLetterId) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(DeadLetterScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(owner == null ? 4 : 5).arg(stream).arg(deadLetters).arg(retries).arg(members);
    if (owner != null) {
      r.arg(owner);
    }
    r.arg(group).arg(id).arg(consumer).arg(deliveries).arg(errorClass).arg(error).arg(now).arg(token);
  }

  static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o != Outcome.DONE) {
      return new Reply(o, null);
    }
    SCRIPT.need(r, 2, o);
    return new Reply(o, r.get(1).toString());
  }
}
