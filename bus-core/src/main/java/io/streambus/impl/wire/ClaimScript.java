package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * claim.lua: claims pending entries of one partition for this consumer, with their delivery counts.
 *
 * @param stream   the partition's stream
 * @param retries  the group's retry set on the partition
 * @param moved    the group's moved set on the partition (an entry taken from another consumer is recorded there)
 * @param record   this claim's record ({@link Keys#claimRecord}): a key of its own per claim, so that the claim sent
 *     again after a lost reply answers what the first run took instead of claiming (and counting) once more
 * @param group    the consumer group
 * @param consumer this consumer's name
 * @param mode     which entries
 * @param limit    the most entries to claim
 * @param now      now (epoch ms): a scheduled retry is due when its time has come
 * @param minIdleMs the idle time from which an entry is stale (ms)
 * @param after    mode {@link Mode#LOST}: the newest id the partition's reads brought this consumer, null for none
 * @param keepMs   how long the record is kept (ms): at least as long as the bus may send the claim again
 * @param held     ids this consumer holds right now (handling or acknowledging them): never claimed
 */
public record ClaimScript(String stream, String retries, String moved, String record, String group, String consumer,
                          Mode mode, int limit, long now, long minIdleMs, String after, long keepMs, List<String> held)
    implements Script.Call {
  private static final Script SCRIPT = new Script("claim");
  private static final Set<Outcome> OUTCOMES = EnumSet.of(Outcome.DONE);

  /** Which entries a claim takes. */
  public enum Mode {
    /** Entries whose scheduled retry time has come (from the retry set). */
    DUE,
    /** Entries idle for at least the min idle on any consumer, this one included. */
    STALE,
    /**
     * Entries pending on this very consumer (after a restart under a fixed name: the process that held it may have
     * died holding them, so a delivery is counted).
     */
    OWN,
    /**
     * Entries that a read whose reply was lost handed to this consumer: pending on it, newer than {@code after},
     * delivered once; taken without counting a delivery (the lost one never reached anything).
     */
    LOST;

    /** The mode named {@code name} ('due', 'stale', 'own' or 'lost'). */
    public static Mode named(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** Runs the step; the reply's outcome is {@link Outcome#DONE}. */
  public Future<Replies.Claimed> run(RedisChannel channel, long deadline) {
    return SCRIPT.run(channel, deadline, this).map(r -> claimed(SCRIPT, r, OUTCOMES));
  }

  @Override
  public void addTo(Request r) {
    r.arg(4).arg(stream).arg(retries).arg(moved).arg(record).arg(group).arg(consumer)
        .arg(mode.name().toLowerCase(Locale.ROOT)).arg(limit).arg(now).arg(minIdleMs).arg(after == null ? "-" : after)
        .arg(keepMs);
    held.forEach(r::arg);
  }

  /** A claim's reply {@code {done, trimmed, id, fields, deliveries, ...}} (claim.lua and adopt.lua), or its outcome. */
  static Replies.Claimed claimed(Script script, Response r, Set<Outcome> outcomes) {
    Outcome o = script.outcome(r, outcomes);
    if (o != Outcome.DONE) {
      return new Replies.Claimed(o, 0, List.of());
    }
    script.need(r, 2, o);
    List<Replies.Entry> entries = new ArrayList<>((r.size() - 2) / 3);
    for (int i = 2; i + 2 < r.size(); i += 3) {
      entries.add(new Replies.Entry(r.get(i).toString(), EntryCodec.fields(r.get(i + 1)), r.get(i + 2).toInteger()));
    }
    return new Replies.Claimed(o, r.get(1).toInteger(), entries);
  }
}
