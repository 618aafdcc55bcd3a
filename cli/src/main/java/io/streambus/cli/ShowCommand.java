package io.streambus.cli;

import io.streambus.admin.StreamEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streambus show <topic> <id>}. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Show one entry of a topic: where it is, when it was stored, its key, headers, content type and "
        + "payload (JSON pretty-printed, text with control characters escaped, other bytes as a hex dump).",
        "The id is <partition>/<entry id> as the other commands print it, or an entry id alone, looked for in every "
            + "partition (or the one --partition names; two partitions may hold the same id, and then it asks which)."
            + " Reading changes nothing."},
    footerHeading = "%nExamples:%n", footer = {"  streambus show orders 2/1733600000000-0",
        "  streambus show orders 1733600000000-0 --json"})
final class ShowCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
  String topic;

  @Parameters(index = "1", paramLabel = "<id>", description = "<partition>/<entry id>, or an entry id.")
  String id;

  @Option(names = "--partition", paramLabel = "<p>", description = "The partition to look in.")
  Integer partition;

  ShowCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    KnownTopics.requireKnown(session, topic);
    String entryId = id;
    Integer p = partition;
    int slash = id.lastIndexOf('/');
    if (slash >= 0) {
      try {
        p = Integer.parseInt(id.substring(0, slash).substring(id.substring(0, slash).lastIndexOf('/') + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("<id> must be <partition>/<entry id> or an entry id, was '" + id + "'");
      }
      entryId = id.substring(slash + 1);
    }
    if (!Positions.isEntryId(entryId)) {
      throw new IllegalArgumentException("<id> must be <partition>/<entry id> or an entry id <millis>-<seq>, was '"
          + id + "'");
    }
    StreamEntry found = null;
    if (p != null) {
      found = session.await(session.bus().admin().entry(topic, p, entryId));
    } else {
      // each partition is a stream of its own, and two of them can hold the same entry id
      int partitions = session.await(session.bus().admin().partitions(topic));
      java.util.List<StreamEntry> all = new java.util.ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        StreamEntry e = session.await(session.bus().admin().entry(topic, i, entryId));
        if (e != null) {
          all.add(e);
        }
      }
      if (all.size() > 1) {
        throw new IllegalArgumentException("entry id " + entryId + " is in partitions " + all.stream()
            .map(e -> Integer.toString(e.partition())).collect(java.util.stream.Collectors.joining(", "))
            + " of '" + topic + "': name one, as <partition>/" + entryId);
      }
      found = all.isEmpty() ? null : all.get(0);
    }
    if (found == null) {
      throw new CliException(Cli.NOT_FOUND, "no entry " + entryId + " in topic '" + topic + "'"
          + (p == null ? "" : " partition " + p) + " (trimmed, or never stored)");
    }
    if (json) {
      print(found.toJson());
      return Cli.OK;
    }
    out().println("entry         " + found.partition() + "/" + found.id());
    out().println("topic         " + found.topic());
    out().println("stored        " + Render.time(found.timestamp()));
    out().println("key           " + (found.key() == null ? "-" : Render.escape(found.key())));
    out().println("content-type  " + (found.contentType() == null ? "-" : found.contentType()));
    out().println("size          " + (found.payload() == null ? 0 : found.payload().length()) + " bytes");
    found.headers().forEach((name, value) -> out().println("header        " + Render.escape(name) + "="
        + Render.escape(value)));
    found.fields().forEach((name, value) -> {
      if (!name.equals("payload") && !name.equals("key") && !name.equals("content-type") && !name.startsWith("h:")) {
        out().println("field         " + Render.escape(name) + "=" + Render.oneLine(value, 200));
      }
    });
    out().println();
    out().println(Render.full(found.payload(), found.contentType()));
    return Cli.OK;
  }
}
