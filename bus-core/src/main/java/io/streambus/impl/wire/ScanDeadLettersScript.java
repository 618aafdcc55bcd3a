package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * scan_dead_letters.lua: finds, or replays, the dead letters of one partition that match a filter, examining at most
 * a budget of them; the caller continues after the last id examined.
 *
 * @param deadLetters the partition's dead-letter stream
 * @param stream      the partition's stream (replay only)
 * @param replay      true to replay the matches, false to find them
 * @param from        the XRANGE start ('-', '&lt;id&gt;' or '(&lt;id&gt;')
 * @param last        the last id to examine: '+' for find; for replay '+' means the dead-letter stream's current last
 *                    entry, which the reply gives so that the runs that continue keep that bound
 * @param budget      the most dead letters to examine
 * @param want        the most to find or replay
 * @param criteria    field/value pairs of the dead letter that must all be equal
 */
public record ScanDeadLettersScript(String deadLetters, String stream, boolean replay, String from, String last,
                                    long budget, long want, List<Object> criteria) implements Script.Call {
  private static final Script SCRIPT = new Script("scan_dead_letters");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /**
   * The last id examined (null when none), whether the partition's dead letters are exhausted, how many were examined;
   * for find the matches, for replay how many were replayed and skipped (their group is gone) and the run's last id.
   */
  public record Reply(String lastExamined, boolean exhausted, long examined, List<Replies.Entry> found, long replayed,
                      long skipped, String runLast) {
  }

  /** Runs one scan. */
  public Future<Reply> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> replay ? replayed(r) : found(r));
  }

  @Override
  public void addTo(Request r) {
    r.arg(2).arg(deadLetters).arg(stream).arg(replay ? "replay" : "find").arg(from).arg(last).arg(budget).arg(want);
    EntryCodec.addEncoded(r, criteria);
  }

  private static Reply found(Response r) {
    SCRIPT.need(r, 4, SCRIPT.outcome(r, OUTCOMES));
    List<Replies.Entry> found = new ArrayList<>();
    for (int i = 4; i + 1 < r.size(); i += 2) {
      found.add(new Replies.Entry(r.get(i).toString(), EntryCodec.fields(r.get(i + 1)), 0));
    }
    return new Reply(text(r.get(1)), r.get(2).toInteger() == 1, r.get(3).toLong(), found, 0, 0, null);
  }

  private static Reply replayed(Response r) {
    SCRIPT.need(r, 7, SCRIPT.outcome(r, OUTCOMES));
    return new Reply(text(r.get(1)), r.get(2).toInteger() == 1, r.get(5).toLong(), List.of(), r.get(3).toLong(),
        r.get(4).toLong(), text(r.get(6)));
  }

  private static String text(Response r) {
    return r == null ? null : r.toString();
  }
}
