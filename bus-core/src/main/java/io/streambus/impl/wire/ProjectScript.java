package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * project.lua: applies a projection's writes for one entry this consumer holds and acknowledges the entry,
 * atomically, after checking every write will apply.
 *
 * @param stream    the partition's stream
 * @param members   the group's members hash on the partition
 * @param owner     the partition's owner key with ordered processing, else null
 * @param modelKeys the model keys the writes name, numbered from 1 in this order
 * @param group     the consumer group
 * @param consumer  this consumer's name
 * @param token     this subscription's token
 * @param id        the entry
 * @param writes    per write: command, model key number, argument count, arguments
 */
public record ProjectScript(String stream, String members, String owner, List<String> modelKeys, String group,
                            String consumer, String token, String id, List<String> writes) implements Script.Call {
  private static final Script SCRIPT = new Script("project");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.FENCED, Outcome.NOT_OURS,
      Outcome.SETTLED, Outcome.GONE, Outcome.INVALID);

  /**
   * What the step did: {@link Outcome#DONE} (written and acknowledged), {@link Outcome#FENCED}, {@link
   * Outcome#NOT_OURS} (the entry or the partition is another's), {@link Outcome#SETTLED} (pending nowhere: settled
   * already), {@link Outcome#GONE} (pending nowhere and gone from the stream), or {@link Outcome#INVALID} with the
   * reason a check refused it (nothing was written). {@code applied}: how many writes were applied.
   */
  public record Reply(Outcome outcome, int applied, String reason) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(ProjectScript::reply);
  }

  @Override
  public void addTo(Request r) {
    int busKeys = owner == null ? 2 : 3;
    r.arg(busKeys + modelKeys.size()).arg(stream).arg(members);
    if (owner != null) {
      r.arg(owner);
    }
    modelKeys.forEach(r::arg);
    r.arg(group).arg(consumer).arg(token).arg(id).arg(busKeys);
    writes.forEach(r::arg);
  }

  static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o != Outcome.INVALID && o != Outcome.DONE) {
      return new Reply(o, 0, null);
    }
    SCRIPT.need(r, 2, o);
    return o == Outcome.DONE ? new Reply(o, r.get(1).toInteger(), null) : new Reply(o, 0, r.get(1).toString());
  }
}
