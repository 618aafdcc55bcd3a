package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;

import java.util.EnumSet;
import java.util.Set;

/**
 * delete_consumer.lua: removes a consumer from a group only if it holds no pending entry. Replies {@link
 * Outcome#DONE} when removed, {@link Outcome#NOT_OURS} when it holds entries (left alone).
 *
 * @param stream   the partition's stream
 * @param group    the consumer group
 * @param consumer the consumer to remove
 */
public record DeleteConsumerScript(String stream, String group, String consumer) implements Script.Call {
  private static final Script SCRIPT = new Script("delete_consumer");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.NOT_OURS);

  /** Runs the step. */
  public Future<Outcome> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> SCRIPT.outcome(r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(stream).arg(group).arg(consumer);
  }
}
