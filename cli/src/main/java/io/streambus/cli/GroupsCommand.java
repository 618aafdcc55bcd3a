package io.streambus.cli;

import io.streambus.admin.ConsumerStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;
import io.vertx.core.json.JsonArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.stream.Collectors;

/** {@code streambus groups <topic>}. */
@Command(name = "groups", mixinStandardHelpOptions = true,
    description = {"Show a topic's consumer groups, summed over its partitions: lag in entries and in time (age of "
        + "the oldest entry not yet delivered), pending entries and the age of the oldest, scheduled retries, "
        + "consumers, and with ordered processing the owner of each partition.",
        "Then each group's consumers: pending entries and idle time."},
    footerHeading = "%nExamples:%n", footer = {"  streambus groups orders", "  streambus groups orders --partitions",
        "  streambus groups orders --json"})
final class GroupsCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
  String topic;

  @picocli.CommandLine.Option(names = "--partitions", description = "One row per group and partition instead of "
      + "the sums: where each partition's lag is, and the group's last delivered id there.")
  boolean perPartition;

  GroupsCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    KnownTopics.requireKnown(session, topic);
    TopicStats stats = session.await(session.bus().admin().topic(topic));
    List<GroupStats> groups = stats.groups();
    if (perPartition) {
      return partitions(stats);
    }
    if (json) {
      JsonArray array = new JsonArray();
      groups.forEach(g -> array.add(g.toJson()));
      print(array);
      return Cli.OK;
    }
    if (groups.isEmpty()) {
      out().println("topic '" + topic + "' has no consumer groups");
      return Cli.OK;
    }
    Table table = new Table("GROUP", "STATE", "LAG", "LAG-TIME", "PENDING", "OLDEST-PENDING", "RETRIES",
        "CONSUMERS", "OWNERS");
    for (GroupStats g : groups) {
      String owners = g.owners().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(","));
      table.row(g.name(), g.paused() ? "paused" : "running", g.lag(),
          g.lag() == 0 ? "0" : Render.duration(g.oldestUndeliveredAgeMs()), g.pending(),
          g.pending() == 0 ? "-" : Render.duration(g.oldestPendingAgeMs()), g.scheduledRetries(),
          g.consumers().size(), owners.isEmpty() ? "-" : owners);
    }
    table.print(out());
    Table consumers = new Table("GROUP", "CONSUMER", "PENDING", "IDLE");
    for (GroupStats g : groups) {
      for (ConsumerStats c : g.consumers()) {
        consumers.row(g.name(), c.name(), c.pending(), Render.duration(c.idleMs()));
      }
    }
    if (!consumers.isEmpty()) {
      out().println();
      consumers.print(out());
    }
    return Cli.OK;
  }

  private int partitions(TopicStats stats) {
    if (json) {
      JsonArray array = new JsonArray();
      for (PartitionStats p : stats.partitions()) {
        for (GroupStats g : p.groups()) {
          array.add(g.toJson().put("partition", p.partition()));
        }
      }
      print(array);
      return Cli.OK;
    }
    Table table = new Table("PARTITION", "GROUP", "LAG", "LAG-TIME", "PENDING", "LAST-DELIVERED", "OWNER");
    for (PartitionStats p : stats.partitions()) {
      for (GroupStats g : p.groups()) {
        table.row(p.partition(), g.name(), g.lag(), g.lag() == 0 ? "0" : Render.duration(g.oldestUndeliveredAgeMs()),
            g.pending(), g.lastDeliveredId(), g.owners().get(p.partition()));
      }
    }
    if (table.isEmpty()) {
      out().println("topic '" + topic + "' has no consumer groups");
    } else {
      table.print(out());
    }
    return Cli.OK;
  }
}
