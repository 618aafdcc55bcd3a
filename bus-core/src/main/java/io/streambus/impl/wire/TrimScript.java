package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * trim.lua: trims a stream without ever removing an entry some group still needs (and, with a cap, counts what the
 * cap removes beyond that).
 *
 * @param stream  the partition's stream
 * @param trimmed its trim counter
 * @param mode    how
 * @param limit   the max length ({@link Mode#MAXLEN}) or the retention in ms ({@link Mode#RETENTION}); else unused
 */
public record TrimScript(String stream, String trimmed, Mode mode, long limit) implements Script.Call {
  private static final Script SCRIPT = new Script("trim");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** How a stream is trimmed. */
  public enum Mode {
    /** What every group has acknowledged. */
    ACKED,
    /** As {@link #ACKED}, then to a max length even where unacknowledged. */
    MAXLEN,
    /** As {@link #ACKED}, but nothing younger than the retention. */
    RETENTION
  }

  /** How many entries went safely (every group had them acknowledged), and how many the cap dropped unacknowledged. */
  public record Reply(long safe, long dropped) {
  }

  /** Runs the step. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(TrimScript::reply);
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(stream).arg(trimmed).arg(mode.name().toLowerCase(Locale.ROOT)).arg(limit);
  }

  static Reply reply(Response r) {
    SCRIPT.need(r, 3, SCRIPT.outcome(r, OUTCOMES));
    return new Reply(r.get(1).toLong(), r.get(2).toLong());
  }
}
