package io.streambus.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The benchmark's settings: defaults finish in about a minute on 2 cores; every one can be set on the command line. */
final class BenchOptions {
  /** The sections a run can contain; {@code cluster} is off unless asked for. */
  static final List<String> SECTIONS = List.of("publish", "e2e1", "e2e4", "latency", "cluster");

  int messages = 100_000;
  int warmupMessages = 100_000;
  int payloadBytes = 256;
  int window = 1_000;
  int readCount = 64;
  int rounds = 3;
  int rate = 20_000;
  int latencySeconds = 5;
  int latencyWarmupSeconds = 1;
  long runTimeoutSeconds = 60;
  List<Integer> clusterPartitions = List.of(1, 3, 6);
  int clusterSubscriptions = 1;
  Set<String> sections = new LinkedHashSet<>(List.of("publish", "e2e1", "e2e4", "latency"));
  List<String> subjects = List.of("plain", "bus");

  static final String USAGE = String.join("\n",
      "Usage: java -jar benchmarks/target/streambus-benchmarks.jar [options]",
      "",
      "Starts its own redis-server (no persistence, free loopback port) and measures the bus and a plain",
      "vertx-redis-client loop on it, alternating, then prints bus, plain and bus/plain.",
      "",
      "  --messages N            messages per throughput run (default 100000)",
      "  --warmup-messages N     messages per warm-up run, per subject and section (default 100000; 0 = none)",
      "  --payload N             payload bytes (default 256, at least 8: the first 8 carry the send time)",
      "  --window N              most publishes awaiting Redis at once, bus and plain (default 1000)",
      "  --read-count N          XREADGROUP COUNT of the plain loop and ConsumerOptions.maxInFlight of the bus",
      "                          (default 64, the bus's default)",
      "  --rounds N              throughput rounds; the median is reported (default 3)",
      "  --rate N                msg/s of the latency run (default 20000)",
      "  --latency-seconds N     measured seconds of the latency run (default 5), after",
      "  --latency-warmup N      seconds at the same rate that are not recorded (default 1)",
      "  --sections a,b          any of publish,e2e1,e2e4,latency,cluster or all (default: all but cluster)",
      "  --cluster               adds the cluster section: bus end-to-end on a 3-master cluster",
      "  --cluster-partitions L  partition counts of the cluster section (default 1,3,6)",
      "  --cluster-subs N        subscriptions in the group in the cluster section (default 1)",
      "  --subjects a,b          plain,bus (default); one alone for profiling, without ratios",
      "  --run-timeout N         seconds after which one run is declared failed (default 60)",
      "  --help");

  static BenchOptions parse(String... args) {
    BenchOptions o = new BenchOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> throw new UsageException(null);
        case "--cluster" -> o.sections.add("cluster");
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
      case "--warmup-messages" -> warmupMessages = atLeast(name, value, 0);
      case "--payload" -> payloadBytes = atLeast(name, value, 8);
      case "--window" -> window = positive(name, value);
      case "--read-count" -> readCount = positive(name, value);
      case "--rounds" -> rounds = positive(name, value);
      case "--rate" -> rate = positive(name, value);
      case "--latency-seconds" -> latencySeconds = positive(name, value);
      case "--latency-warmup" -> latencyWarmupSeconds = atLeast(name, value, 0);
      case "--run-timeout" -> runTimeoutSeconds = positive(name, value);
      case "--cluster-subs" -> clusterSubscriptions = positive(name, value);
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
      }
      case "--sections" -> {
        sections = new LinkedHashSet<>();
        for (String s : value.toLowerCase(Locale.ROOT).split(",")) {
          if (s.trim().equals("all")) {
            sections.addAll(SECTIONS);
          } else if (SECTIONS.contains(s.trim())) {
            sections.add(s.trim());
          } else {
            throw new UsageException("--sections: unknown section '" + s + "'; use " + SECTIONS + " or all");
          }
        }
      }
      default -> throw new UsageException("unknown option " + name);
    }
  }

  private BenchOptions validate() {
    if (window > 10_000) {
      throw new UsageException("--window must be at most 10000 (the bus's default maxPendingPublishes)");
    }
    if (sections.isEmpty()) {
      throw new UsageException("--sections: nothing to run");
    }
    return this;
  }

  boolean runs(String section) {
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
    return payloadBytes + "-byte payloads, " + messages + " messages per throughput run, median of " + rounds
        + " rounds, publish window " + window + ", read count " + readCount + ", latency at " + rate + " msg/s for "
        + latencySeconds + " s (after " + latencyWarmupSeconds + " s unrecorded), sections " + sections
        + (sections.contains("cluster") ? " partitions " + clusterPartitions : "");
  }

  /** A bad command line: the message (or null for --help) and the usage text go to the user. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
