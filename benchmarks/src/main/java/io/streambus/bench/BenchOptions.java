package io.streambus.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The benchmark's settings; every one can be set on the command line. */
final class BenchOptions {
  /** What runs by default; {@code cluster} only when asked for. */
  static final List<Section> DEFAULT_SECTIONS = List.of(Section.PUBLISH, Section.PUBLISH_ALL, Section.E2E1,
      Section.E2E4, Section.E2E4_ASYNC, Section.LATENCY, Section.ORDERING);
  /** What {@code --profile} records unless {@code --sections} says otherwise. */
  static final List<Section> DEFAULT_PROFILE_SECTIONS = List.of(Section.E2E4, Section.PUBLISH);

  long messages = 200_000;
  long warmupMessages = 100_000;
  int maxWarmupPasses = 12;
  long settledJitMs = 100;
  int payloadBytes = 256;
  int window = 1_000;
  int batchSize = 500;
  int batchesInFlight = 3;
  int readCount = 200;
  long plainBlockMs = 100;
  int repetitions = 5;
  int rate = 20_000;
  int latencySeconds = 5;
  int latencyWarmupSeconds = 1;
  long asyncDelayMs = 0;
  long runTimeoutSeconds = 60;
  List<Integer> clusterPartitions = List.of(1, 3, 6);
  int clusterSubscriptions = 1;
  int orderingPartitions = 8;
  int orderingKeys = 1_000;
  Set<Section> sections = new LinkedHashSet<>(DEFAULT_SECTIONS);
  boolean sectionsGiven;
  List<String> subjects = List.of("plain", "bus");
  boolean subjectsGiven;
  List<String> jvmArgs = List.of("-Xms1g", "-Xmx1g");
  boolean profile;
  long profileMessages = 1_000_000;
  String profileDir;
  int profileTop = 25;
  String resultsFile;
  boolean quick;

  static final String USAGE = String.join("\n",
      "Usage: java -jar benchmarks/target/streambus-benchmarks.jar [options]",
      "",
      "Starts its own redis-server (no persistence, free loopback port) and measures the bus and a plain",
      "vertx-redis-client loop on it, each run in a child JVM of its own, the subjects alternating, and prints",
      "median and min-max of every figure, bus/plain and the targets, and the CPU of the JVM and of redis-server.",
      "",
      "  --messages N            messages per measured run (default 200000)",
      "  --quick                 a smoke size: 20000 messages, warm-up 20000 x at most 3 passes, 3 runs each, 2 s"
          + " latency run",
      "  --repetitions N         measured runs per subject and figure, alternating (default 5; --rounds too)",
      "  --warmup-messages N     messages per warm-up pass in each child (default 100000; 0 = none)",
      "  --warmup-passes N       most warm-up passes; they stop once the JIT compilers use < 100 ms CPU in one"
          + " (default 12)",
      "  --payload N             body bytes (default 256, at least 8: the first 8 carry the send time)",
      "  --window N              publish() / send() calls in flight (default 1000)",
      "  --batch N               messages per publishAll() / batch() call (default 500)",
      "  --batches-in-flight N   publishAll() / batch() calls in flight (default 3)",
      "  --read-count N          XREADGROUP COUNT of the plain loop and maxInFlight of the bus (default 200)",
      "  --plain-block-ms N      XREADGROUP BLOCK of the plain loop (default 100; the bus keeps its default)",
      "  --async-delay-ms N      the async handler completes on the next event-loop turn (0, default) or after a",
      "                          timer of N ms",
      "  --rate N                msg/s of the latency run (default 20000)",
      "  --latency-seconds N     measured seconds of the latency run (default 5), after",
      "  --latency-warmup N      seconds at the same rate that are not recorded (default 1)",
      "  --sections a,b          any of " + Section.ids() + ", or all",
      "                          (default: all but cluster; with --profile: e2e4,publish)",
      "  --cluster               adds the cluster section: bus end to end on a 3-master cluster",
      "  --cluster-partitions L  partition counts of the cluster section (default 1,3,6)",
      "  --cluster-subs N        subscriptions in the group in the cluster section (default 1)",
      "  --ordering-partitions N partitions of the ordering section's topic (default 8; 4 subscriptions, bus only,",
      "                          Ordering.NONE against Ordering.KEY)",
      "  --ordering-keys N       distinct message keys in the ordering section (default 1000)",
      "  --subjects a,b          plain,bus (default; with --profile: bus)",
      "  --jvm-args \"...\"        options of the child JVMs, both subjects (default \"-Xms1g -Xmx1g\")",
      "  --profile               instead of the figures: one run per section and subject with JDK Flight Recorder",
      "                          on the measured run, then its top frames",
      "  --profile-messages N    messages of a profiled run (default 1000000)",
      "  --profile-dir DIR       where the .jfr files are kept (default: a new temporary directory)",
      "  --profile-top N         frames per table (default 25)",
      "  --results FILE          also writes every run's raw result, one JSON object a line",
      "  --run-timeout N         seconds after which one run is declared failed (default 60)",
      "  --help");

  static BenchOptions parse(String... args) {
    BenchOptions o = new BenchOptions();
    if (Arrays.asList(args).contains("--quick")) {
      o.quick = true;
      o.messages = 20_000;
      o.warmupMessages = 20_000;
      o.maxWarmupPasses = 3;
      o.repetitions = 3;
      o.latencySeconds = 2;
      o.profileMessages = 100_000;
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> throw new UsageException(null);
        case "--quick" -> {
        }
        case "--cluster" -> o.sections.add(Section.CLUSTER);
        case "--profile" -> o.profile = true;
        default -> {
          if (i + 1 >= args.length) {
            throw new UsageException("missing value after " + a);
          }
          o.set(a, args[++i]);
        }
      }
    }
    return o.validate();
  }

  private void set(String name, String value) {
    switch (name) {
      case "--messages" -> messages = positive(name, value);
      case "--repetitions", "--rounds" -> repetitions = positive(name, value);
      case "--warmup-messages" -> warmupMessages = atLeast(name, value, 0);
      case "--warmup-passes" -> maxWarmupPasses = positive(name, value);
      case "--payload" -> payloadBytes = atLeast(name, value, 8);
      case "--window" -> window = positive(name, value);
      case "--batch" -> batchSize = positive(name, value);
      case "--batches-in-flight" -> batchesInFlight = positive(name, value);
      case "--read-count" -> readCount = positive(name, value);
      case "--plain-block-ms" -> plainBlockMs = positive(name, value);
      case "--async-delay-ms" -> asyncDelayMs = atLeast(name, value, 0);
      case "--rate" -> rate = positive(name, value);
      case "--latency-seconds" -> latencySeconds = positive(name, value);
      case "--latency-warmup" -> latencyWarmupSeconds = atLeast(name, value, 0);
      case "--run-timeout" -> runTimeoutSeconds = positive(name, value);
      case "--cluster-subs" -> clusterSubscriptions = positive(name, value);
      case "--ordering-partitions" -> orderingPartitions = positive(name, value);
      case "--ordering-keys" -> orderingKeys = positive(name, value);
      case "--profile-messages" -> profileMessages = positive(name, value);
      case "--profile-dir" -> profileDir = value;
      case "--profile-top" -> profileTop = positive(name, value);
      case "--results" -> resultsFile = value;
      case "--jvm-args" -> jvmArgs = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
      case "--cluster-partitions" -> {
        List<Integer> list = new ArrayList<>();
        for (String s : value.split(",")) {
          list.add(positive(name, s.trim()));
        }
        clusterPartitions = List.copyOf(list);
      }
      case "--subjects" -> {
        List<String> list = new ArrayList<>();
        for (String k : value.toLowerCase(Locale.ROOT).split(",")) {
          if (!k.trim().equals("bus") && !k.trim().equals("plain")) {
            throw new UsageException("--subjects: unknown subject '" + k + "'; use bus, plain or both");
          }
          list.add(k.trim());
        }
        subjects = List.copyOf(list);
        subjectsGiven = true;
      }
      case "--sections" -> {
        Set<Section> chosen = new LinkedHashSet<>();
        for (String s : value.split(",")) {
          if (s.trim().equalsIgnoreCase("all")) {
            chosen.addAll(List.of(Section.values()));
          } else {
            try {
              chosen.add(Section.of(s.trim()));
            } catch (IllegalArgumentException e) {
              throw new UsageException("--sections: unknown section '" + s + "'; use " + Section.ids() + " or all");
            }
          }
        }
        if (sections.contains(Section.CLUSTER) && !sectionsGiven) {
          chosen.add(Section.CLUSTER); // --cluster came first
        }
        sections = chosen;
        sectionsGiven = true;
      }
      default -> throw new UsageException("unknown option " + name);
    }
  }

  private BenchOptions validate() {
    if (window > 10_000) {
      throw new UsageException("--window must be at most 10000 (the bus's default maxPendingPublishes)");
    }
    if ((long) batchSize * batchesInFlight > 10_000) {
      throw new UsageException("--batch times --batches-in-flight must be at most 10000 (the bus's default"
          + " maxPendingPublishes)");
    }
    if (profile) {
      if (!sectionsGiven) {
        sections = new LinkedHashSet<>(DEFAULT_PROFILE_SECTIONS);
      }
      if (!subjectsGiven) {
        subjects = List.of("bus");
      }
    }
    if (sections.isEmpty()) {
      throw new UsageException("--sections: nothing to run");
    }
    return this;
  }

  boolean runs(Section section) {
    return sections.contains(section);
  }

  private static int positive(String name, String value) {
    return atLeast(name, value, 1);
  }

  private static int atLeast(String name, String value, int min) {
    int n;
    try {
      n = Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a number, was '" + value + "'");
    }
    if (n < min) {
      throw new UsageException(name + " must be at least " + min + ", was " + n);
    }
    return n;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,d messages per run (%d-byte body + 2 headers), %d run(s) per subject and"
        + " figure, alternating; warm-up in every child: passes of %,d messages until the JIT uses < %d ms CPU in one (at most"
        + " %d); publish window %d; publishAll %d per call, %d in flight; latency at %,d msg/s for %d s (after %d s"
        + " unrecorded); async handler: %s; sections %s%s", messages, payloadBytes, repetitions, warmupMessages,
        settledJitMs, maxWarmupPasses, window, batchSize, batchesInFlight, rate, latencySeconds, latencyWarmupSeconds,
        asyncDelayMs == 0 ? "completes on the next event-loop turn" : "completes from a " + asyncDelayMs + " ms timer",
        sections.stream().map(s -> s.id).toList(), (runs(Section.CLUSTER) ? " cluster partitions " + clusterPartitions : "")
        + (runs(Section.ORDERING) ? String.format(Locale.ROOT, "; ordering: %d partitions, %,d keys",
        orderingPartitions, orderingKeys) : ""));
  }

  /** A bad command line: the message (or null for --help) and the usage text go to the user. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
