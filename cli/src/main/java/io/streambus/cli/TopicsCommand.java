package io.streambus.cli;

import io.streambus.admin.GroupStats;
import io.streambus.admin.TopicStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.stream.Collectors;

/** {@code streambus topics}. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "List the topics the bus knows: partitions, entries, groups, dead letters, scheduled messages.",
    footerHeading = "%nExample:%n", footer = "  streambus topics --redis-url redis://127.0.0.1:6379")
final class TopicsCommand extends BusCommand {

  TopicsCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    List<TopicStats> topics = session.await(session.bus().admin().snapshot());
    if (json) {
      JsonArray array = new JsonArray();
      for (TopicStats t : topics) {
        array.add(new JsonObject().put("topic", t.topic()).put("partitions", t.partitions().size())
            .put("length", t.length()).put("entriesAdded", t.entriesAdded())
            .put("groups", new JsonArray(t.groups().stream().map(GroupStats::name).collect(Collectors.toList())))
            .put("deadLetters", t.deadLetters()).put("scheduled", t.scheduled()));
      }
      print(array);
      return Cli.OK;
    }
    Table table = new Table("TOPIC", "PARTITIONS", "ENTRIES", "GROUPS", "DEAD-LETTERS", "SCHEDULED");
    for (TopicStats t : topics) {
      String groups = t.groups().stream().map(GroupStats::name).collect(Collectors.joining(","));
      table.row(t.topic(), t.partitions().size(), t.length(), groups.isEmpty() ? "-" : groups, t.deadLetters(),
          t.scheduled());
    }
    if (table.isEmpty()) {
      out().println("no topics (nothing has published to or subscribed on this key prefix yet)");
    } else {
      table.print(out());
    }
    return Cli.OK;
  }
}
