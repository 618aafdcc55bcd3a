package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * reply.lua: adds a reply to a requester's reply stream, only while that stream exists.
 *
 * @param inbox  the requester's reply stream ({@link Keys#inbox}), from the request's reply-to header
 * @param fields the reply's fields ({@link ReplyCodec})
 */
public record ReplyScript(String inbox, List<Object> fields) implements Script.Call {
  private static final Script SCRIPT = new Script("reply");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.GONE);

  /** True when the reply was added; false when the reply stream was gone (its requester died or closed). */
  public Future<Boolean> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(ReplyScript::reply);
  }

  static boolean reply(Response r) {
    return SCRIPT.outcome(r, OUTCOMES) == Outcome.DONE;
  }

  @Override
  public void addTo(Request r) {
    r.arg(1).arg(inbox);
    EntryCodec.addEncoded(r, fields);
  }
}
