package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * publish_idempotent.lua: publishes a message with an idempotency key, at most once per key within the window.
 *
 * @param stream        the partition's stream
 * @param idempotency   the partition's idempotency hash
 * @param expiry        the partition's idempotency expiry set
 * @param key           the idempotency key
 * @param digest        the payload's digest
 * @param windowMs      how long a key is remembered (ms)
 * @param prunePerCall  the most expired keys forgotten per call
 * @param fields        the entry's fields ({@link EntryCodec#encode})
 */
public record PublishIdempotentScript(String stream, String idempotency, String expiry, String key, String digest,
                                      long windowMs, int prunePerCall, List<Object> fields) implements Script.Call {
  private static final Script SCRIPT = new Script("publish_idempotent");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** Whether the message was stored. */
  public enum Stored {
    /** Stored: the key was not remembered. */
    NEW,
    /** Not stored: the key was remembered, with the same payload digest. */
    DUPLICATE,
    /** Not stored: the key was remembered with another payload digest. */
    DUPLICATE_MISMATCH
  }

  /** The entry's id (the first message's, for a duplicate) and whether this message was stored. */
  public record Reply(String id, Stored stored) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(PublishIdempotentScript::reply);
  }

  /** The step as one EVAL request, for a batch that carries it on one socket; read its reply with {@link #reply}. */
  public Request eval() {
    return SCRIPT.eval(this);
  }

  @Override
  public void addTo(Request r) {
    r.arg(3).arg(stream).arg(idempotency).arg(expiry).arg(key).arg(digest).arg(windowMs).arg(prunePerCall);
    EntryCodec.addEncoded(r, fields);
  }

  /** The reply of the step sent as {@link #eval}. */
  public static Reply reply(Response r) {
    Outcome o = SCRIPT.outcome(r, OUTCOMES);
    SCRIPT.need(r, 3, o);
    int stored = r.get(2).toInteger();
    return new Reply(r.get(1).toString(), stored == 0 ? Stored.NEW : stored == 1 ? Stored.DUPLICATE
        : Stored.DUPLICATE_MISMATCH);
  }
}
