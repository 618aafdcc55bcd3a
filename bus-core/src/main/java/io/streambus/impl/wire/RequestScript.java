package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * request.lua: stores a request in a partition only if a responder is present there, in one step.
 *
 * @param stream    the partition's stream
 * @param presence  the partition's presence set ({@link Keys#presence})
 * @param fields    the entry's fields ({@link EntryCodec#encode}, the request headers included)
 */
public record RequestScript(String stream, String presence, List<Object> fields) implements Script.Call {
  private static final Script SCRIPT = new Script("request");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE, Outcome.UNSERVED);

  /** The entry's id, or null when no responder was present (nothing stored). */
  public Future<String> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(RequestScript::reply);
  }

  static String reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    if (o == Outcome.UNSERVED) {
      return null;
    }
    SCRIPT.need(r, 2, o);
    return r.get(1).toString();
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(stream).arg(presence);
    EntryCodec.addEncoded(r, fields);
  }
}
