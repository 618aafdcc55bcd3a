package io.streambus.cli;

import io.streambus.admin.PartitionStats;
import io.streambus.admin.StreamEntry;
import io.streambus.admin.TopicStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code streambus tail <topic>}. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Print a topic's entries as they arrive, from every partition (or one), without joining a "
        + "consumer group: nothing is delivered, acknowledged or made pending, and no group sees a difference.",
        "By default it starts at the end and follows until --limit entries matched or Ctrl-C; --from starts earlier "
            + "(an entry id, a time, a time before now, or beginning), --no-follow stops at the end. One line per "
            + "entry: <partition>/<id>, the time it was stored, its key and payload; --json prints one JSON object "
            + "per line."},
    footerHeading = "%nExamples:%n", footer = {"  streambus tail orders",
        "  streambus tail orders --from -1h --key customer-42 --limit 10 --no-follow",
        "  streambus tail orders --from 2026-12-07T10:00:00Z --header source=web --json"})
final class TailCommand extends BusCommand {
  /** Entries asked for per partition and read. */
  private static final int PAGE = 200;

  @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
  String topic;

  @Option(names = "--from", paramLabel = "<position>", defaultValue = "end",
      description = "end (default: only new entries), beginning, an entry id (that entry first), an ISO-8601 time "
          + "or a time before now (-15m, -2h, -1d).")
  String from;

  @Option(names = "--key", paramLabel = "<key>", description = "Only entries with this partition key.")
  String key;

  @Option(names = "--header", paramLabel = "<name=value>", description = "Only entries with this header (repeat "
      + "for several).")
  List<String> headers;

  @Option(names = "--limit", paramLabel = "<n>", description = "Stop after n matching entries.")
  Long limit;

  @Option(names = "--partition", paramLabel = "<p>", description = "Only this partition.")
  Integer partition;

  @Option(names = "--no-follow", negatable = false, description = "Stop at the end of the stream instead of "
      + "waiting for new entries.")
  boolean noFollow;

  @Option(names = "--poll-ms", paramLabel = "<ms>", defaultValue = "250",
      description = "How often to look for new entries while following (default ${DEFAULT-VALUE}).")
  long pollMs;

  TailCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    EntryFilter filter = new EntryFilter(key, headers);
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, was " + limit);
    }
    if (pollMs < 10 || pollMs > 60_000) {
      throw new IllegalArgumentException("--poll-ms must be 10..60000, was " + pollMs);
    }
    KnownTopics.requireKnown(session, topic);
    TopicStats stats = session.await(session.bus().admin().topic(topic));
    List<Integer> partitions = new ArrayList<>();
    for (PartitionStats p : stats.partitions()) {
      if (partition == null || partition == p.partition()) {
        partitions.add(p.partition());
      }
    }
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("--partition must be 0.." + (stats.partitions().size() - 1) + ", was "
          + partition);
    }
    String[] cursors = new String[stats.partitions().size()];
    for (int p : partitions) {
      cursors[p] = start(stats.partitions().get(p));
    }
    long printed = 0;
    while (true) {
      List<StreamEntry> round = new ArrayList<>();
      boolean more = false;
      for (int p : partitions) {
        List<StreamEntry> page = session.await(session.bus().admin().read(topic, p, cursors[p], PAGE));
        if (!page.isEmpty()) {
          cursors[p] = page.get(page.size() - 1).id();
          round.addAll(page);
          more |= page.size() == PAGE;
        }
      }
      // partitions interleaved by the time Redis stored each entry
      round.sort(Comparator.comparingLong(StreamEntry::timestamp));
      for (StreamEntry e : round) {
        if (!filter.matches(e)) {
          continue;
        }
        print(e);
        if (limit != null && ++printed >= limit) {
          out().flush();
          return Cli.OK;
        }
      }
      out().flush();
      if (!more) {
        if (noFollow) {
          return Cli.OK;
        }
        pause();
      }
    }
  }

  /** The cursor to read after, for {@code --from}. */
  private String start(PartitionStats p) {
    String f = from.trim();
    if (f.equalsIgnoreCase("end") || f.equalsIgnoreCase("now") || f.equalsIgnoreCase("latest")) {
      return p.lastId() == null ? "0-0" : p.lastId();
    }
    if (f.equalsIgnoreCase("beginning") || f.equalsIgnoreCase("earliest")) {
      return "0-0";
    }
    if (Positions.isEntryId(f)) {
      return Positions.before(f);
    }
    Instant t = Positions.time(f, Instant.now(), "--from");
    return io.streambus.admin.ResetPosition.atTime(t).entryId();
  }

  private void print(StreamEntry e) {
    if (json) {
      out().println(e.toJson().encode());
      return;
    }
    out().println(e.partition() + "/" + e.id() + "  " + Render.time(e.timestamp()) + "  key="
        + (e.key() == null ? "-" : Render.escape(e.key())) + "  " + Render.oneLine(e.payload(), 120));
  }

  private void pause() {
    try {
      Thread.sleep(pollMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.FAILED, "interrupted");
    }
  }
}
