package io.streambus.cli;

import io.streambus.ConsumerOptions;
import io.streambus.Message;
import io.streambus.Ordering;
import io.streambus.OutgoingMessage;
import io.streambus.StartPosition;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.Topics;
import io.streambus.admin.TopicStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** {@code streambus verify}: publishes numbered messages to a scratch topic, consumes them, and counts what is lost. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check the bus end to end against your own Redis: publish --count sequence-numbered messages to a "
        + "scratch topic (a fresh name unless --topic), consume them with a group of --consumers subscriptions of the "
        + "bus itself, and report how many were published, confirmed (the publish succeeded), delivered, lost "
        + "(confirmed but not delivered by the end of the settle time), duplicated (delivered more than once) and, "
        + "with --keys, out of order (a message handled after a later one of its key), with the publish-to-handler "
        + "latency (p50/p90/p99/max).",
        "--chaos runs longer at a steady --rate, prints a line every --report-every seconds, retries failed "
            + "publishes (counted) instead of giving up, and still reports lost and duplicated at the end: run it "
            + "while you fail Redis over or cut the network (docs/cli.md). Ctrl-C ends a run early with its report.",
        "Progress goes to standard error; the report to standard output (a table, or --json). The scratch topic "
            + "is left in place (use a scratch --key-prefix to keep it apart). Exit code 0: nothing lost (and, with "
            + "--keys, nothing out of order); 5: messages lost; 6: out of order; 1: publishing failed outside --chaos."},
    footerHeading = "%nExamples:%n", footer = {"  streambus verify --count 10000 --partitions 4 --consumers 3",
        "  streambus verify --count 5000 --keys 50 --rate 1000 --json",
        "  streambus verify --chaos --rate 200 --duration 600 --key-prefix verify"})
final class VerifyCommand extends BusCommand {
  /** Most publishes awaiting their answer at once. */
  private static final int WINDOW = 256;
  private static final String RUN_HEADER = "verify-run";
  /** With --chaos, how long past the settle time failed publishes are still retried (a failover may take this). */
  private static final int RETRY_GRACE_S = 60;
  /** Longest wait for the group's members to own the partitions before publishing (key ordering). */
  private static final int OWNERS_WAIT_S = 15;
  /** After Ctrl-C, the settle time (quiet seconds) before the report. */
  private static final int STOP_SETTLE_S = 2;
  /** Most messages one run publishes. */
  private static final int MAX_COUNT = 2_000_000;

  private volatile boolean stopping;
  private final java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);

  @Option(names = "--count", paramLabel = "<n>", description = "Messages to publish (default 1000; with --chaos: "
      + "--rate x --duration).")
  Integer count;

  @Option(names = "--rate", paramLabel = "<per-second>", description = "Publish at most this many a second "
      + "(default: as fast as the bus confirms; with --chaos 100).")
  Integer rate;

  @Option(names = "--duration", paramLabel = "<seconds>", defaultValue = "300",
      description = "With --chaos: how long to publish (default ${DEFAULT-VALUE}).")
  int durationS;

  @Option(names = "--keys", paramLabel = "<n>", defaultValue = "0", description = "Spread the messages over n "
      + "partition keys and check each key's order (the group uses key ordering); 0 (default): no keys.")
  int keys;

  @Option(names = "--partitions", paramLabel = "<n>", defaultValue = "2",
      description = "Partitions of the scratch topic (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--consumers", paramLabel = "<n>", defaultValue = "2",
      description = "Subscriptions of the group consuming it (default ${DEFAULT-VALUE}).")
  int consumers;

  @Option(names = "--settle", paramLabel = "<seconds>", defaultValue = "10", description = "After publishing, how "
      + "long without any delivery to wait for the missing messages before calling them lost (default "
      + "${DEFAULT-VALUE}).")
  int settleS;

  @Option(names = "--topic", paramLabel = "<topic>", description = "The scratch topic (default verify-<time>-<random>);"
      + " refused if it has entries already.")
  String topic;

  @Option(names = "--group", paramLabel = "<group>", defaultValue = "verify",
      description = "The consuming group (default ${DEFAULT-VALUE}).")
  String group;

  @Option(names = "--chaos", description = "Long run at a steady rate, tolerating publish failures (see above).")
  boolean chaos;

  @Option(names = "--report-every", paramLabel = "<seconds>", defaultValue = "5",
      description = "Seconds between progress lines (default ${DEFAULT-VALUE}).")
  int reportEveryS;

  VerifyCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    int n = validate();
    String scratch = topic != null ? topic : "verify-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC).format(Instant.now()) + "-" + Integer.toHexString(ThreadLocalRandom.current()
        .nextInt(0x1000, 0x10000));
    Topics.requireValidName("--topic", scratch);
    Topics.requireValidName("--group", group);
    requireEmpty(session, scratch);
    String run = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    StreamBus bus = session.busWithPartitions(scratch, partitions);
    VerifyTally tally = new VerifyTally(n);
    err().println("verify: topic " + scratch + " (" + partitions + " partitions), group " + group + ", " + consumers
        + " consumers, " + n + " messages" + (keys > 0 ? " over " + keys + " keys" : "")
        + (rate != null ? " at " + rate + "/s" : ""));
    err().flush();

    List<Subscription> subscriptions = new ArrayList<>();
    ConsumerOptions options = new ConsumerOptions().setStartPosition(StartPosition.BEGINNING).setBlockMs(500)
        .setOrdering(keys > 0 ? Ordering.KEY : Ordering.NONE);
    for (int i = 0; i < consumers; i++) {
      subscriptions.add(session.await(bus.subscribe(scratch, group, m -> handle(m, run, tally),
          new ConsumerOptions(options).setConsumerName(group + "-" + run + "-" + i))));
    }
    if (keys > 0) {
      awaitOwners(session, bus, scratch);
    }
    long started = System.nanoTime();
    Progress progress = new Progress(tally, started);
    Thread onSignal = new Thread(this::stopAndAwaitReport, "verify-report-on-exit");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      publish(bus, scratch, run, tally, progress);
      settle(tally, progress);
      return closeAndReport(session, subscriptions, scratch, tally, started);
    } finally {
      reported.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException e) {
        // the JVM is exiting (Ctrl-C): the hook is running and has just been released
      }
    }
  }

  /**
   * On Ctrl-C or SIGTERM (a drill stopped by hand): stops publishing, lets the run settle briefly and waits for its
   * report, so that a long --chaos run still ends with its figures.
   */
  private void stopAndAwaitReport() {
    stopping = true;
    try {
      reported.await(STOP_SETTLE_S + 10L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int closeAndReport(BusSession session, List<Subscription> subscriptions, String scratch,
                             VerifyTally tally, long started) {
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    for (Subscription s : subscriptions) {
      try {
        session.await(s.close());
      } catch (RuntimeException e) {
        // Redis gone at the end of a drill: what was counted is the answer, and the session closes the rest
        err().println("verify: closing " + s.consumerName() + ": " + e.getMessage());
      }
    }
    return report(scratch, tally, elapsedMs);
  }

  /**
   * With key ordering, waits (up to {@link #OWNERS_WAIT_S} s) until the members have spread the partitions between
   * them, so that the latency measured is the bus's and not the group's start-up.
   */
  private void awaitOwners(BusSession session, StreamBus bus, String scratch) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OWNERS_WAIT_S);
    int spread = Math.min(consumers, partitions);
    while (System.nanoTime() < deadline) {
      java.util.Map<Integer, String> owners = session.await(bus.admin().owners(scratch, group));
      if (!owners.containsValue(null) && new java.util.HashSet<>(owners.values()).size() == spread) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    err().println("verify: the group's members did not own every partition within " + OWNERS_WAIT_S
        + " s; publishing anyway (the first latencies include the group's start-up)");
  }

  private int validate() {
    if (partitions < 1 || partitions > 1024) {
      throw new IllegalArgumentException("--partitions must be 1..1024, was " + partitions);
    }
    if (consumers < 1 || consumers > 64) {
      throw new IllegalArgumentException("--consumers must be 1..64, was " + consumers);
    }
    if (keys < 0 || keys > 1_000_000) {
      throw new IllegalArgumentException("--keys must be 0..1000000, was " + keys);
    }
    if (rate != null && (rate < 1 || rate > 1_000_000)) {
      throw new IllegalArgumentException("--rate must be 1..1000000, was " + rate);
    }
    if (settleS < 1 || settleS > 3600) {
      throw new IllegalArgumentException("--settle must be 1..3600 seconds, was " + settleS);
    }
    if (reportEveryS < 1 || reportEveryS > 3600) {
      throw new IllegalArgumentException("--report-every must be 1..3600 seconds, was " + reportEveryS);
    }
    if (chaos) {
      if (rate == null) {
        rate = 100;
      }
      if (durationS < 1 || durationS > 86_400) {
        throw new IllegalArgumentException("--duration must be 1..86400 seconds, was " + durationS);
      }
    }
    long n = count != null ? count : chaos ? (long) rate * durationS : 1_000;
    if (n < 1 || n > MAX_COUNT) {
      // the tally keeps about 24 bytes a message, and the launcher's heap is 256 MB
      throw new IllegalArgumentException((count != null ? "--count" : "--rate x --duration") + " must be 1.."
          + MAX_COUNT + ", was " + n);
    }
    return (int) n;
  }

  private void requireEmpty(BusSession session, String scratch) {
    if (!session.await(session.bus().admin().topics()).contains(scratch)) {
      return;
    }
    TopicStats stats = session.await(session.bus().admin().topic(scratch));
    long entries = stats.partitions().stream().mapToLong(p -> p.length()).sum();
    if (entries > 0) {
      throw new IllegalArgumentException("--topic " + scratch + " has " + entries + " entries already: verify needs "
          + "a topic of its own (leave out --topic for a fresh one)");
    }
  }

  private static Future<Void> handle(Message m, String run, VerifyTally tally) {
    String seq = m.header("verify-seq");
    if (!run.equals(m.header(RUN_HEADER)) || seq == null) {
      tally.foreign();
      return Future.succeededFuture();
    }
    int n;
    try {
      n = Integer.parseInt(seq);
    } catch (NumberFormatException e) {
      tally.foreign();
      return Future.succeededFuture();
    }
    tally.delivered(n, m.key(), m.id().value());
    return Future.succeededFuture();
  }

  /**
   * Sends every sequence number once, paced by --rate, at most {@link #WINDOW} unanswered; with --chaos a failed
   * publish goes back in line (with the same idempotency key, so that one the bus stored before failing is not
   * stored twice) until it succeeds or the settle time after the last new one has passed.
   */
  private void publish(StreamBus bus, String scratch, String run, VerifyTally tally, Progress progress) {
    Semaphore window = new Semaphore(WINDOW);
    ConcurrentLinkedQueue<Integer> retries = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long intervalNanos = rate == null ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
    AtomicLong lastFailureNanos = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
    int next = 0;
    long sentAny = 0;
    long lastNewNanos = System.nanoTime();
    while (!stopping) {
      Integer seq = retries.poll();
      if (seq == null && next < tally.count()) {
        seq = next++;
        lastNewNanos = System.nanoTime();
      }
      if (seq == null) {
        if (window.availablePermits() == WINDOW && retries.isEmpty()) {
          return;
        }
        if (System.nanoTime() - lastNewNanos > TimeUnit.SECONDS.toNanos(settleS + RETRY_GRACE_S)) {
          // the bus keeps failing: what is still unconfirmed is reported so, not lost
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        progress.maybePrint();
        continue;
      }
      if (intervalNanos > 0) {
        long due = start + sentAny * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      sentAny++;
      acquire(window);
      int s = seq;
      tally.sending(s);
      OutgoingMessage m = OutgoingMessage.json(scratch, new JsonObject().put("run", run).put("seq", s))
          .header(RUN_HEADER, run).header("verify-seq", Integer.toString(s));
      if (keys > 0) {
        m.key("key-" + (s % keys));
      }
      if (chaos) {
        m.idempotencyKey("verify-" + run + "-" + s);
      }
      bus.publish(m).onComplete(ar -> {
        if (ar.succeeded()) {
          tally.confirmed(s);
        } else {
          tally.publishFailed();
          lastFailureNanos.set(System.nanoTime());
          if (chaos) {
            retries.add(s);
          }
        }
        window.release();
      });
      if (chaos && System.nanoTime() - lastFailureNanos.get() < TimeUnit.MILLISECONDS.toNanos(200)) {
        // the bus is failing now: give it a moment rather than spin through the retries
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      progress.maybePrint();
    }
  }

  /** Waits until every confirmed message was delivered, or --settle seconds pass without any delivery. */
  private void settle(VerifyTally tally, Progress progress) {
    long quiet = TimeUnit.SECONDS.toNanos(settleS);
    long stopQuiet = TimeUnit.SECONDS.toNanos(Math.min(settleS, STOP_SETTLE_S));
    while (tally.missing() > 0 && tally.nanosSinceProgress() < (stopping ? stopQuiet : quiet)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      progress.maybePrint();
    }
  }

  private int report(String scratch, VerifyTally tally, long elapsedMs) {
    VerifyReport report = new VerifyReport(scratch, group, partitions, consumers, keys, chaos, !chaos, stopping,
        elapsedMs, tally);
    if (json) {
      print(report.toJson());
    } else {
      report.print(out());
    }
    out().flush();
    return report.exitCode();
  }

  private static void acquire(Semaphore window) {
    try {
      window.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.FAILED, "interrupted");
    }
  }

  /** A progress line on stderr every --report-every seconds. */
  private final class Progress {
    private final VerifyTally tally;
    private final long started;
    private long nextNanos;

    Progress(VerifyTally tally, long started) {
      this.tally = tally;
      this.started = started;
      this.nextNanos = started + TimeUnit.SECONDS.toNanos(reportEveryS);
    }

    void maybePrint() {
      long now = System.nanoTime();
      if (now < nextNanos) {
        return;
      }
      nextNanos = now + TimeUnit.SECONDS.toNanos(reportEveryS);
      err().println(String.format(Locale.ROOT, "verify: %5ds  published %d  confirmed %d  failed-publishes %d  "
              + "delivered %d  missing %d  duplicated %d", TimeUnit.NANOSECONDS.toSeconds(now - started),
          tally.sent(), tally.confirmedCount(), tally.publishFailures(), tally.deliveredCount(), tally.missing(),
          tally.duplicatedMessages()));
      err().flush();
    }
  }
}
