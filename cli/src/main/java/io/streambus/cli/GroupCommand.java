package io.streambus.cli;

import io.streambus.admin.GroupReset;
import io.streambus.admin.PartitionReset;
import io.streambus.admin.ResetPosition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;

/** {@code streambus group reset|pause|resume ...}. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Change a consumer group.",
    subcommands = {GroupCommand.Reset.class, GroupCommand.Pause.class, GroupCommand.Resume.class},
    footerHeading = "%nExamples:%n",
    footer = {"  streambus group reset orders billing --to -1h", "  streambus group pause orders billing"})
final class GroupCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a group command is required: reset, pause or resume");
  }

  /** Pause and resume: the same arguments, one admin call. */
  abstract static class Switch extends BusCommand {
    @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
    String topic;

    @Parameters(index = "1", paramLabel = "<group>", description = "The consumer group.")
    String group;

    Switch(CliEnvironment environment) {
      super(environment);
    }

    abstract boolean pausing();

    @Override
    int run(BusSession session) {
      KnownTopics.requireKnown(session, topic);
      io.streambus.Topics.requireValidName("group", group);
      if (pausing()) {
        session.await(session.bus().admin().pauseGroup(topic, group));
      } else {
        session.await(session.bus().admin().resumeGroup(topic, group));
      }
      if (json) {
        print(new io.vertx.core.json.JsonObject().put("topic", topic).put("group", group).put("paused", pausing()));
      } else {
        out().println("group '" + group + "' of '" + topic + "' " + (pausing()
            ? "paused: its members start nothing new within one lease renewal; what they hold stays theirs"
            : "resumed: its members go on where they were within one lease renewal"));
      }
      return Cli.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = {"Pause a consumer group (for example while a service it calls is down): within one lease renewal "
          + "its members start nothing new. What runs finishes and is acknowledged; what they hold keeps its lease, "
          + "so nothing is reclaimed, retried or dead-lettered because of the pause. Members that join meanwhile "
          + "start paused. Lasts until 'group resume'; 'groups' shows it."},
      footerHeading = "%nExample:%n", footer = "  streambus group pause orders billing")
  static final class Pause extends Switch {
    Pause(CliEnvironment environment) {
      super(environment);
    }

    @Override
    boolean pausing() {
      return true;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume a paused consumer group: its members go on where they were within one lease renewal.",
      footerHeading = "%nExample:%n", footer = "  streambus group resume orders billing")
  static final class Resume extends Switch {
    Resume(CliEnvironment environment) {
      super(environment);
    }

    @Override
    boolean pausing() {
      return false;
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = {"Move a group's position on every partition of the topic (XGROUP SETID): delivery resumes "
          + "after the new position, so the entries in between are skipped (moving forward) or delivered again "
          + "(moving back).",
          "First shows, per partition, what it would skip or replay (counted inside Redis, up to 100000 each) and "
              + "asks (--yes for scripts, --dry-run to only look). Pending entries stay pending: the consumers that "
              + "hold them still acknowledge them, or peers reclaim them, as before.",
          "Refused (exit 4) while the group has live members, since they would go on reading and working at the old "
              + "position: stop them first, or --force."},
      footerHeading = "%nExamples:%n", footer = {"  streambus group reset orders billing --to latest --yes",
          "  streambus group reset orders billing --to -2h --dry-run",
          "  streambus group reset orders billing --to 2026-12-07T10:00:00Z",
          "  streambus group reset orders billing --to 1733600000000-0 --yes --json"})
  static final class Reset extends BusCommand {
    @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
    String topic;

    @Parameters(index = "1", paramLabel = "<group>", description = "The consumer group.")
    String group;

    @Option(names = "--to", required = true, paramLabel = "<position>",
        description = "earliest (everything again), latest (skip everything there is now), an entry id (resume "
            + "after it), an ISO-8601 time or a time before now like -1h (resume with the first entry stored then).")
    String to;

    @Option(names = {"-y", "--yes"}, description = "Do not ask.")
    boolean yes;

    @Option(names = "--force", description = "Reset even while the group has live members.")
    boolean force;

    @Option(names = "--dry-run", description = "Only show what the reset would do.")
    boolean dryRun;

    Reset(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      ResetPosition position = Positions.reset(to, Instant.now());
      KnownTopics.requireKnown(session, topic);
      io.streambus.Topics.requireValidName("group", group);
      boolean exists = session.await(session.bus().admin().topic(topic)).groups().stream()
          .anyMatch(g -> g.name().equals(group));
      if (!exists) {
        throw new CliException(Cli.NOT_FOUND, "group '" + group + "' does not exist on topic '" + topic + "'");
      }
      GroupReset preview = session.await(session.bus().admin().previewReset(topic, group, position));
      boolean live = !preview.liveMembers().isEmpty();
      if (dryRun || (live && !force) || (!json && !yes)) {
        report(preview, "would");
      }
      if (dryRun) {
        return Cli.OK;
      }
      if (live && !force) {
        throw new CliException(Cli.REFUSED, "refused: group '" + group + "' has live members "
            + String.join(", ", preview.liveMembers()) + "; stop them first, or use --force");
      }
      if (!confirm(yes, "Reset group '" + group + "' of '" + topic + "' " + position + "?")) {
        throw new CliException(Cli.REFUSED, "not confirmed: nothing changed");
      }
      GroupReset done = session.await(session.bus().admin().resetGroup(topic, group, position, force));
      if (!done.applied()) {
        report(done, "did");
        throw new CliException(Cli.REFUSED, "stopped: a member joined group '" + group + "' during the reset ("
            + String.join(", ", done.liveMembers()) + "); partitions marked no were not moved");
      }
      report(done, "did");
      return Cli.OK;
    }

    private void report(GroupReset r, String mood) {
      if (json) {
        print(r.toJson());
        return;
      }
      Table table = new Table("PARTITION", "FROM", "TO", "SKIPS", "REPLAYS", "PENDING", "MOVED", "LIVE-MEMBERS");
      for (PartitionReset p : r.partitions()) {
        if (!p.exists()) {
          table.row(p.partition(), "(no group)", null, null, null, null, "no",
              p.liveMembers().isEmpty() ? null : String.join(",", p.liveMembers()));
          continue;
        }
        table.row(p.partition(), p.fromId(), p.toId(), count(p.skipped()), count(p.replayed()), p.pending(),
            p.applied() ? "yes" : "no", p.liveMembers().isEmpty() ? null : String.join(",", p.liveMembers()));
      }
      out().println((mood.equals("would") ? "Preview: reset" : "Reset") + " group '" + r.group() + "' of '"
          + r.topic() + "' " + r.to());
      table.print(out());
      String skips = mood.equals("would") ? "would skip " : "skipped ";
      String replays = mood.equals("would") ? "would deliver again " : "will deliver again ";
      out().println(skips + count(r.skipped()) + " entries, " + replays + count(r.replayed()) + "; " + r.pending()
          + " pending entries stay pending (their consumers still hold them)");
      out().flush();
    }

    private static String count(long n) {
      return n >= GroupReset.COUNT_CAP ? ">=" + n : Long.toString(n);
    }
  }
}
