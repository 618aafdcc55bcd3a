package io.streambus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What the benchmark prints from the runs: the figures (median and min-max of the runs, bus/plain of the medians,
 * the target and its verdict), every run with its CPU and load, CPU by thread, Redis commands per message, and the
 * cluster section.
 */
final class Report {
  /** A limit on bus/plain: at least (throughput) or at most (costs, latency). */
  record Target(boolean atLeast, double limit) {
    static Target atLeast(double limit) {
      return new Target(true, limit);
    }

    static Target atMost(double limit) {
      return new Target(false, limit);
    }

    String text() {
      return String.format(Locale.ROOT, "%s %.2fx", atLeast ? ">=" : "<=", limit);
    }

    boolean met(double ratio) {
      return atLeast ? ratio >= limit : ratio <= limit;
    }
  }

  private record Row(String label, List<Double> bus, List<Double> plain, String format, Target target) {
  }

  private static final String ROW = "%-52s %-30s %-30s %9s  %-9s %s%n";

  private final BenchOptions options;
  private final List<RunResult> results;

  Report(BenchOptions options, List<RunResult> results) {
    this.options = options;
    this.results = results;
  }

  static String label(Section s, BenchOptions o) {
    return switch (s) {
      case PUBLISH -> "publish() vs send(), msg/s";
      case PUBLISH_ALL -> String.format(Locale.ROOT, "publishAll() vs batch(), %d x %d in flight, msg/s",
          o.batchSize, o.batchesInFlight);
      case E2E1 -> "end to end, 1 subscription, msg/s";
      case E2E4 -> "end to end, 4 subscriptions, msg/s";
      case E2E4_ASYNC -> "end to end, 4 subs, async handler, msg/s";
      case LATENCY -> String.format(Locale.ROOT, "latency at %,d msg/s", o.rate);
      case CLUSTER -> "cluster, bus end to end";
      case ORDERING -> "ordering, bus end to end, key vs none";
    };
  }

  private static Target throughputTarget(Section s) {
    return switch (s) {
      case PUBLISH, E2E4 -> Target.atLeast(0.9);
      case PUBLISH_ALL -> Target.atLeast(0.8);
      default -> null;
    };
  }

  /** Ordering.KEY against Ordering.NONE, end to end: at least this share of the throughput. */
  static final Target ORDERING_TARGET = Target.atLeast(0.7);

  /** Prints everything; returns how many targets were missed. */
  int print(PrintStream out) {
    List<Row> rows = rows();
    int missed = 0;
    int checked = 0;
    if (!rows.isEmpty()) {
      out.printf(Locale.ROOT, ROW, "figure (median of the runs, min-max)", "bus", "plain", "bus/plain", "target",
          "");
      out.println("-".repeat(144));
      for (Row r : rows) {
        Double bus = median(r.bus());
        Double plain = median(r.plain());
        Double ratio = bus == null || plain == null || plain == 0 ? null : bus / plain;
        String verdict = "";
        if (r.target() != null && ratio != null) {
          checked++;
          boolean met = r.target().met(ratio);
          missed += met ? 0 : 1;
          verdict = met ? "met" : "MISS";
        }
        out.printf(Locale.ROOT, ROW, r.label(), spread(r.bus(), r.format()), spread(r.plain(), r.format()),
            ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio),
            r.target() == null ? "" : r.target().text(), verdict);
      }
      out.println("-".repeat(144));
      if (checked > 0) {
        out.printf(Locale.ROOT, "targets met: %d of %d%n", checked - missed, checked);
      }
    }
    printRuns(out);
    printThreads(out);
    printCalls(out);
    printCluster(out);
    missed += printOrdering(out);
    return missed;
  }

  /** The runs, CPU by thread and Redis commands, without the figures (profiled runs are not comparable). */
  void printRunsOnly(PrintStream out) {
    printRuns(out);
    printThreads(out);
    printCalls(out);
  }

  private List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    List<Section> throughput = sections().stream()
        .filter(s -> s.isThroughput() && s != Section.CLUSTER && s != Section.ORDERING).toList();
    for (Section s : throughput) {
      rows.add(row(label(s, options), s, RunResult::perSecond, "%,.0f", throughputTarget(s)));
    }
    if (sections().contains(Section.LATENCY)) {
      String at = String.format(Locale.ROOT, " at %,d msg/s, ms", options.rate);
      rows.add(latencyRow("latency p50" + at, "p50Ms", Target.atMost(1.3)));
      rows.add(latencyRow("latency p99" + at, "p99Ms", null));
      rows.add(latencyRow("latency p99.9" + at, "p999Ms", null));
      rows.add(latencyRow("publish reply p99" + at, "publishP99Ms", null));
    }
    for (Section s : throughput) {
      rows.add(row("JVM CPU/msg, " + s.id + ", us", s, RunResult::jvmUs, "%.2f",
          s.kind == Section.Kind.END_TO_END ? Target.atMost(1.25) : null));
    }
    for (Section s : throughput) {
      rows.add(row("redis-server CPU/msg, " + s.id + ", us", s, RunResult::redisUs, "%.2f", Target.atMost(1.2)));
    }
    return rows;
  }

  private Row row(String label, Section s, ToDoubleFunction<RunResult> f, String format, Target target) {
    return new Row(label, values(s, "bus", f), values(s, "plain", f), format, target);
  }

  private Row latencyRow(String label, String key, Target target) {
    return row(label, Section.LATENCY, r -> r.latency(key), "%.3f", target);
  }

  private List<Double> values(Section s, String subject, ToDoubleFunction<RunResult> f) {
    List<Double> v = ok(s, subject).stream().map(f::applyAsDouble).toList();
    return v.isEmpty() ? null : v;
  }

  private List<RunResult> ok(Section s, String subject) {
    return results.stream().filter(r -> r.section() == s && r.subject().equals(subject) && r.ok()).toList();
  }

  private List<Section> sections() {
    Set<Section> seen = new LinkedHashSet<>();
    results.forEach(r -> seen.add(r.section()));
    return List.copyOf(seen);
  }

  private void printRuns(PrintStream out) {
    out.println();
    out.println("every run, in the order they ran (one child JVM each; CPU over the measured run: JVM = the child's");
    out.println("process CPU, redis = redis-server's utime+stime from /proc/<pid>/stat; cores = CPU time / wall time;");
    out.println("JIT = CPU of the compiler threads in the run, and in each warm-up pass; GC = collection time (count);");
    out.println("load = /proc/loadavg when the child started / when its measured run ended):");
    for (RunResult r : results) {
      String head = String.format(Locale.ROOT, "  %-22s #%d %-5s", name(r.section(), r.variant()), r.repetition(),
          r.subject());
      if (!r.ok()) {
        out.println(head + "  FAILED: " + r.error() + "  load " + r.loadAtLaunch());
        continue;
      }
      String perSecond = String.format(Locale.ROOT, "%,9.0f msg/s", r.perSecond());
      String latency = r.latency("p50Ms") == null ? "" : String.format(Locale.ROOT, "  p50 %.3f p99 %.3f ms",
          r.latency("p50Ms"), r.latency("p99Ms"));
      out.printf(Locale.ROOT, "%s  pid %-7d %s  JVM %6.2f us/msg %4.2f cores  redis %5.2f us/msg %4.2f cores"
              + "  JIT %4d ms  GC %3d ms (%d)  warm-up JIT %s ms%s  load %s / %s%n", head, r.pid(), perSecond,
          r.jvmUs(), r.jvmCores(), r.redisUs(), r.redisCores(), r.jitMs(), r.gcMs(), r.gcCount(),
          r.json().getJsonArray("warmupJitMs").encode(), latency, r.loadAtLaunch(), r.json().getString("loadAfter"));
    }
  }

  private void printThreads(PrintStream out) {
    out.println();
    out.println("JVM CPU by thread, median of the runs: us per message (cores); threads under 2 % of the total are"
        + " left out");
    for (Section s : sections()) {
      for (String subject : List.of("bus", "plain")) {
        for (String variant : variants(s)) {
          List<RunResult> runs = ok(s, subject).stream().filter(r -> r.variant().equals(variant)).toList();
          if (runs.isEmpty()) {
            continue;
          }
          Map<String, Double> us = medianByKey(runs, RunResult::threadUs);
          Map<String, Double> cores = medianByKey(runs, RunResult::threadCores);
          double total = median(runs.stream().map(RunResult::jvmUs).toList());
          double totalCores = median(runs.stream().map(RunResult::jvmCores).toList());
          String parts = us.entrySet().stream().filter(e -> e.getValue() >= 0.02 * total)
              .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
              .map(e -> String.format(Locale.ROOT, "%s %.2f (%.2f)", e.getKey(), e.getValue(), cores.get(e.getKey())))
              .collect(Collectors.joining(", "));
          out.printf(Locale.ROOT, "  %-22s %-5s %.2f us (%.2f cores) = %s%n", name(s, variant), subject, total,
              totalCores, parts);
        }
      }
    }
  }

  private void printCalls(PrintStream out) {
    out.println();
    out.println("Redis commands per message in the last run, with Redis's own time for them per message (INFO"
        + " commandstats; the commands Lua scripts call are counted too, and a script's time includes theirs), and"
        + " socket reads per message:");
    for (Section s : sections()) {
      for (String subject : List.of("bus", "plain")) {
        for (String variant : variants(s)) {
          List<RunResult> runs = ok(s, subject).stream().filter(r -> r.variant().equals(variant)).toList();
          if (runs.isEmpty()) {
            continue;
          }
          RunResult last = runs.get(runs.size() - 1);
          Map<String, Double> usec = last.usecPerMessage();
          String calls = last.callsPerMessage().entrySet().stream().filter(e -> e.getValue() >= 0.0005)
              .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
              .map(e -> String.format(Locale.ROOT, "%s %.3f (%.2f us)", e.getKey(), e.getValue(),
                  usec.getOrDefault(e.getKey(), 0.0)))
              .collect(Collectors.joining(" "));
          out.printf(Locale.ROOT, "  %-22s %-5s %s; reads %.3f%n", name(s, variant), subject, calls,
              last.redisReadsPerMessage());
        }
      }
    }
  }

  private void printCluster(PrintStream out) {
    List<RunResult> cluster = results.stream().filter(r -> r.section() == Section.CLUSTER).toList();
    if (cluster.isEmpty()) {
      return;
    }
    out.println();
    out.printf(Locale.ROOT, "cluster: bus end to end on a 3-master Redis Cluster, %d subscription(s), median of the"
        + " runs (min-max); no plain baseline; redis = the three masters together%n", options.clusterSubscriptions);
    for (String variant : variants(Section.CLUSTER)) {
      List<RunResult> runs = ok(Section.CLUSTER, "bus").stream().filter(r -> r.variant().equals(variant)).toList();
      if (runs.isEmpty()) {
        out.printf(Locale.ROOT, "  %-13s no run succeeded%n", variant);
        continue;
      }
      out.printf(Locale.ROOT, "  %-13s %s msg/s, JVM %s us/msg, redis %s us/msg%n", variant,
          spread(runs.stream().map(RunResult::perSecond).toList(), "%,.0f"),
          spread(runs.stream().map(RunResult::jvmUs).toList(), "%.2f"),
          spread(runs.stream().map(RunResult::redisUs).toList(), "%.2f"));
    }
  }

  /** Key against none, end to end on one topic of several partitions; returns 1 when the target was missed. */
  private int printOrdering(PrintStream out) {
    List<RunResult> runs = ok(Section.ORDERING, "bus");
    if (runs.isEmpty()) {
      return 0;
    }
    out.println();
    out.printf(Locale.ROOT, "ordering: bus end to end, 4 subscriptions on a topic of %d partitions, %,d message keys,"
        + " median of the runs (min-max); Ordering.KEY against Ordering.NONE (the default)%n",
        options.orderingPartitions, options.orderingKeys);
    Map<String, Double> medians = new LinkedHashMap<>();
    for (String variant : List.of("none", "key")) {
      List<RunResult> v = runs.stream().filter(r -> r.variant().equals(variant)).toList();
      if (v.isEmpty()) {
        out.printf(Locale.ROOT, "  %-5s no run succeeded%n", variant);
        continue;
      }
      List<Double> perSecond = v.stream().map(RunResult::perSecond).toList();
      medians.put(variant, median(perSecond));
      out.printf(Locale.ROOT, "  %-5s %s msg/s, JVM %s us/msg, redis %s us/msg%n", variant, spread(perSecond, "%,.0f"),
          spread(v.stream().map(RunResult::jvmUs).toList(), "%.2f"),
          spread(v.stream().map(RunResult::redisUs).toList(), "%.2f"));
    }
    if (medians.size() < 2) {
      return 0;
    }
    double ratio = medians.get("key") / medians.get("none");
    boolean met = ORDERING_TARGET.met(ratio);
    out.printf(Locale.ROOT, "  key/none %.2f, target %s: %s%n", ratio, ORDERING_TARGET.text(), met ? "met" : "MISS");
    return met ? 0 : 1;
  }

  private static String name(Section s, String variant) {
    return variant.isEmpty() ? s.id : s.id + " " + variant;
  }

  private List<String> variants(Section s) {
    return results.stream().filter(r -> r.section() == s).map(RunResult::variant).distinct().toList();
  }

  /** Per key, the median over the runs; a key a run lacks counts as 0 there. */
  private static Map<String, Double> medianByKey(List<RunResult> runs, Function<RunResult, Map<String, Double>> f) {
    List<Map<String, Double>> maps = runs.stream().map(f).toList();
    Set<String> keys = new LinkedHashSet<>();
    maps.forEach(m -> keys.addAll(m.keySet()));
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : keys.stream().sorted(Comparator.naturalOrder()).toList()) {
      out.put(k, median(maps.stream().map(m -> m.getOrDefault(k, 0.0)).toList()));
    }
    return out;
  }

  /** "median (min-max)", or the value alone for one run, or "-" for none. */
  static String spread(List<Double> values, String format) {
    if (values == null || values.isEmpty()) {
      return "-";
    }
    String median = String.format(Locale.ROOT, format, median(values));
    if (values.size() == 1) {
      return median;
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return median + " (" + String.format(Locale.ROOT, format, min) + "-" + String.format(Locale.ROOT, format, max)
        + ")";
  }

  static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
