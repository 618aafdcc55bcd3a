package io.streambus.cli;

import io.streambus.MessageId;
import io.streambus.admin.DeadLetter;
import io.streambus.admin.DeadLetterFilter;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetterReplay;
import io.streambus.admin.DeadLetters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code streambus dlq list|search|show|replay|replay-all|purge <topic> ...}. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "A topic's dead letters: list, search, replay to the group that failed them, purge.",
    subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Search.class, DlqCommand.Show.class,
        DlqCommand.Replay.class,
        DlqCommand.ReplayAll.class, DlqCommand.Purge.class},
    footerHeading = "%nExamples:%n", footer = {"  streambus dlq list orders", "  streambus dlq search orders --group "
        + "billing --key customer-42", "  streambus dlq show orders 0/1733600000000-0", "  streambus dlq replay orders 0/1733600000000-0",
        "  streambus dlq replay-all orders --group billing --yes", "  streambus dlq purge orders --yes"})
final class DlqCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a dlq command is required: list, search, show, "
        + "replay, replay-all or purge");
  }

  /** Filters shared by search and replay-all. */
  static final class Filters {
    @Option(names = "--group", paramLabel = "<group>", description = "Dead letters of this group.")
    String group;

    @Option(names = "--key", paramLabel = "<key>", description = "Dead letters with this partition key.")
    String key;

    @Option(names = "--header", paramLabel = "<name=value>", description = "Dead letters with this header (repeat "
        + "for several).")
    List<String> headers;

    @Option(names = "--message-id", paramLabel = "<id>", description = "The dead letter of this original message "
        + "(<partition>/<entry id> or <topic>/<partition>/<entry id>).")
    String messageId;

    DeadLetterFilter filter() {
      DeadLetterFilter f = DeadLetterFilter.all();
      if (group != null) {
        f = f.withGroup(group);
      }
      if (key != null) {
        f = f.withKey(key);
      }
      for (Map.Entry<String, String> h : EntryFilter.Headers.parse(headers, "--header").entrySet()) {
        f = f.withHeader(h.getKey(), h.getValue());
      }
      if (messageId != null) {
        f = f.withMessageId(messageId);
      }
      return f;
    }
  }

  /** A dlq subcommand on one topic. */
  abstract static class OnTopic extends BusCommand {
    @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
    String topic;

    OnTopic(CliEnvironment environment) {
      super(environment);
    }

    DeadLetters deadLetters(BusSession session) {
      KnownTopics.requireKnown(session, topic);
      return session.bus().deadLetters(topic);
    }

    void table(List<DeadLetter> items) {
      Table table = new Table("REF", "GROUP", "DELIVERIES", "ERROR", "DEAD-LETTERED", "ORIGINAL", "PAYLOAD");
      for (DeadLetter d : items) {
        String error = d.errorClass() + (d.error() == null || d.error().isEmpty() ? "" : ": " + d.error());
        table.row(d.ref(), d.group(), d.deliveries(), Render.escape(error.length() > 60 ? error.substring(0, 57)
            + "..." : error), Render.time(d.deadLetteredAt()), d.originalId(), Render.oneLine(d.payload(), 60));
      }
      if (table.isEmpty()) {
        out().println("no dead letters");
      } else {
        table.print(out());
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first over all "
      + "partitions, a page at a time.", footerHeading = "%nExample:%n",
      footer = "  streambus dlq list orders --limit 50")
  static final class ListDeadLetters extends OnTopic {
    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "20", description = "Page size, 1..1000 "
        + "(default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", description = "The next page, as the previous one printed.")
    String cursor;

    ListDeadLetters(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetters dl = deadLetters(session);
      DeadLetterPage page = session.await(dl.list(cursor, limit));
      if (json) {
        print(page.toJson().put("total", session.await(dl.count())));
        return Cli.OK;
      }
      table(page.items());
      out().println("total " + session.await(dl.count()) + (page.nextCursor() == null ? ""
          : "; next page: --cursor " + page.nextCursor()));
      return Cli.OK;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = {"Find dead letters by group, key, "
      + "header or original message id. The search runs inside Redis in bounded steps; it stops after --limit "
      + "matches and prints where to continue."}, footerHeading = "%nExample:%n",
      footer = "  streambus dlq search orders --group billing --header tenant=acme")
  static final class Search extends OnTopic {
    @CommandLine.Mixin
    Filters filters = new Filters();

    @Option(names = "--limit", paramLabel = "<n>", defaultValue = "20", description = "Most matches, 1..1000 "
        + "(default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "<cursor>", description = "Continue a search where it stopped.")
    String cursor;

    Search(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetters dl = deadLetters(session);
      DeadLetterFilter filter = filters.filter();
      List<DeadLetter> found = new ArrayList<>();
      String next = cursor;
      do {
        DeadLetterPage page = session.await(dl.search(filter, next, limit - found.size()));
        found.addAll(page.items());
        next = page.nextCursor();
      } while (next != null && found.size() < limit);
      if (json) {
        JsonArray items = new JsonArray();
        found.forEach(d -> items.add(d.toJson()));
        print(new JsonObject().put("items", items).put("nextCursor", next));
        return Cli.OK;
      }
      table(found);
      if (next != null) {
        out().println("more may match: --cursor " + next);
      }
      return Cli.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter: why, where from "
      + "and when it died, its fields, and the payload shown safely (as show does).", footerHeading = "%nExample:%n",
      footer = "  streambus dlq show orders 0/1733600000000-0")
  static final class Show extends OnTopic {
    @Parameters(index = "1", paramLabel = "<ref>", description = "The dead letter's reference (REF in dlq list).")
    String ref;

    Show(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetter d = session.await(deadLetters(session).get(ref));
      if (d == null) {
        throw new CliException(Cli.NOT_FOUND, "no dead letter " + ref + " in topic '" + topic + "'");
      }
      if (json) {
        print(d.toJson());
        return Cli.OK;
      }
      out().println("dead letter   " + d.ref());
      out().println("from          " + d.sourceStream() + " entry " + d.originalId());
      out().println("group         " + d.group());
      out().println("consumer      " + d.consumer());
      out().println("deliveries    " + d.deliveries());
      out().println("error         " + Render.escape(d.errorClass() + (d.error() == null ? "" : ": " + d.error())));
      out().println("dead-lettered " + Render.time(d.deadLetteredAt()));
      out().println("content-type  " + (d.contentType() == null ? "-" : d.contentType()));
      d.fields().forEach((name, value) -> {
        if (!name.equals("payload") && !name.equals("content-type")) {
          out().println("field         " + Render.escape(name) + "=" + Render.oneLine(value, 200));
        }
      });
      out().println();
      out().println(Render.full(d.payload(), d.contentType()));
      return Cli.OK;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-deliver dead letters, by reference, "
      + "to the group that failed them (and only to it).", footerHeading = "%nExample:%n",
      footer = "  streambus dlq replay orders 0/1733600000000-0 1/1733600000123-0")
  static final class Replay extends OnTopic {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "<ref>", description = "Dead letter references "
        + "(REF in dlq list).")
    List<String> refs;

    Replay(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetters dl = deadLetters(session);
      JsonArray results = new JsonArray();
      List<String> missing = new ArrayList<>();
      for (String ref : refs) {
        MessageId id = session.await(dl.replay(ref));
        results.add(new JsonObject().put("ref", ref).put("replayed", id != null)
            .put("id", id == null ? null : id.partition() + "/" + id.value()));
        if (id == null) {
          missing.add(ref);
        } else if (!json) {
          out().println(ref + " replayed as " + id.partition() + "/" + id.value());
        }
      }
      if (json) {
        print(results);
      }
      if (!missing.isEmpty()) {
        throw new CliException(Cli.NOT_FOUND, "no dead letter " + String.join(", ", missing));
      }
      return Cli.OK;
    }
  }

  @Command(name = "replay-all", mixinStandardHelpOptions = true, description = {"Replay every dead letter that "
      + "matches the filters (all of the topic's without any), each to the group that failed it. Asks first unless "
      + "--yes. Dead letters without a group, or whose group is gone, are skipped and stay."},
      footerHeading = "%nExample:%n", footer = "  streambus dlq replay-all orders --group billing --yes")
  static final class ReplayAll extends OnTopic {
    @CommandLine.Mixin
    Filters filters = new Filters();

    @Option(names = {"-y", "--yes"}, description = "Do not ask.")
    boolean yes;

    ReplayAll(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetters dl = deadLetters(session);
      DeadLetterFilter filter = filters.filter();
      long total = session.await(dl.count());
      if (!confirm(yes, "Replay the dead letters of '" + topic + "' that match " + filter + " (" + total
          + " dead letters in all)?")) {
        throw new CliException(Cli.REFUSED, "not confirmed: nothing replayed");
      }
      long replayed = 0;
      long skipped = 0;
      long examined = 0;
      String cursor = null;
      do {
        DeadLetterReplay r = session.await(dl.replayAll(filter, cursor, DeadLetters.MAX_REPLAY));
        replayed += r.replayed();
        skipped += r.skipped();
        examined += r.examined();
        cursor = r.nextCursor();
      } while (cursor != null);
      if (json) {
        print(new JsonObject().put("replayed", replayed).put("skipped", skipped).put("examined", examined));
      } else {
        out().println("replayed " + replayed + ", skipped " + skipped + " (no group, or the group is gone), examined "
            + examined);
      }
      return Cli.OK;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Delete every dead letter of the topic. "
      + "Asks first unless --yes.", footerHeading = "%nExample:%n", footer = "  streambus dlq purge orders --yes")
  static final class Purge extends OnTopic {
    @Option(names = {"-y", "--yes"}, description = "Do not ask.")
    boolean yes;

    Purge(CliEnvironment environment) {
      super(environment);
    }

    @Override
    int run(BusSession session) {
      DeadLetters dl = deadLetters(session);
      long total = session.await(dl.count());
      if (!confirm(yes, "Delete all " + total + " dead letters of '" + topic + "'? They cannot be replayed after.")) {
        throw new CliException(Cli.REFUSED, "not confirmed: nothing deleted");
      }
      long deleted = session.await(dl.purge());
      if (json) {
        print(new JsonObject().put("deleted", deleted));
      } else {
        out().println("deleted " + deleted + " dead letters");
      }
      return Cli.OK;
    }
  }
}
