package io.streambus.bench;

import io.streambus.BusOptions;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark command: starts a redis-server, measures the bus and the plain loop on it (alternating, warm-up
 * first), and prints the figures with bus/plain and the targets. The report goes to stdout, progress to stderr.
 */
public final class Benchmark {
  private final BenchOptions options;
  private final PrintStream out;
  private final PrintStream progress;
  private final List<String> details = new ArrayList<>();
  private final List<String> warmups = new ArrayList<>();

  private Benchmark(BenchOptions options, PrintStream out, PrintStream progress) {
    this.options = options;
    this.out = out;
    this.progress = progress;
  }

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.exit(code);
  }

  /** Runs with the given arguments; 0 when the benchmark ran (targets met or not), 2 on a bad command line, 1 on failure. */
  static int run(String[] args, PrintStream out, PrintStream progress) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (e.getMessage() != null) {
        progress.println("error: " + e.getMessage());
      }
      (e.getMessage() == null ? out : progress).println(BenchOptions.USAGE);
      return e.getMessage() == null ? 0 : 2;
    }
    try {
      new Benchmark(options, out, progress).run();
      return 0;
    } catch (RuntimeException e) {
      progress.println("benchmark failed: " + e.getMessage());
      e.printStackTrace(progress);
      return 1;
    }
  }

  private void run() {
    Report report = new Report();
    String redisVersion;
    long started = System.nanoTime();
    String loadBefore = Machine.loadAverage();
    try (RedisServer redis = RedisServer.builder().name("benchmark").start()) {
      redisVersion = redis.version();
      Vertx vertx = Vertx.vertx();
      try {
        Runs runs = new Runs(vertx, new StandaloneTarget(redis), options);
        warmUp(runs);
        throughput(runs, report);
        if (options.runs("latency")) {
          latency(runs, report);
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      }
    }
    List<String> cluster = options.runs("cluster") ? cluster(report) : List.of();
    out.println();
    out.println("Streambus benchmark: the bus vs a plain vertx-redis-client loop, same JVM, same redis-server");
    out.println(Machine.describe(redisVersion) + " (at start: " + loadBefore + ")");
    out.println("settings: " + options);
    out.println("bus:      defaults: reclaim (claim idle " + io.streambus.ConsumerOptions.DEFAULT_CLAIM_MIN_IDLE_MS
        + " ms, scan every " + io.streambus.ConsumerOptions.DEFAULT_RECLAIM_INTERVAL_MS + " ms), dead-lettering after "
        + io.streambus.ConsumerOptions.DEFAULT_MAX_DELIVERIES + " deliveries, ACKED trimming, gauges;"
        + " metrics in a PrometheusMeterRegistry; maxInFlight " + options.readCount);
    out.println();
    report.print(out);
    details.forEach(out::println);
    cluster.forEach(out::println);
    out.printf(Locale.ROOT, "took %.0f s%n", (System.nanoTime() - started) / 1e9);
  }

  /** JIT time below which a warm-up pass counts as settled; a measured run compiling more is not yet warm. */
  private static final long SETTLED_JIT_MS = 100;
  private static final int MAX_WARMUP_PASSES = 5;

  /**
   * Per subject, passes of every throughput section that will be measured (e2e with 1 subscription when only
   * latency is), until a pass's JIT compilation time falls under {@value #SETTLED_JIT_MS} ms or after
   * {@value #MAX_WARMUP_PASSES} passes: compiling takes one of the two cores from the run it happens in.
   */
  private void warmUp(Runs runs) {
    boolean oneSubscription = options.runs("e2e1") || options.runs("latency");
    if (options.warmupMessages == 0 || !options.runs("publish") && !oneSubscription && !options.runs("e2e4")) {
      return; // nothing is measured on this server (the cluster section warms up on its own)
    }
    for (String kind : options.subjects) {
      List<String> passes = new ArrayList<>();
      for (int pass = 0; pass < MAX_WARMUP_PASSES; pass++) {
        long jit = Runs.jitMs();
        if (options.runs("publish")) {
          runs.publish(kind, options.warmupMessages);
        }
        if (oneSubscription) {
          runs.endToEnd(kind, 1, options.warmupMessages);
        }
        if (options.runs("e2e4")) {
          runs.endToEnd(kind, 4, options.warmupMessages);
        }
        long spent = Runs.jitMs() - jit;
        passes.add(spent + " ms");
        if (spent < SETTLED_JIT_MS) {
          break;
        }
      }
      progress.printf(Locale.ROOT, "warm-up: %s, JIT per pass %s%n", kind, passes);
      warmups.add(kind + " " + passes.size() + " pass(es), JIT " + String.join(" / ", passes));
    }
  }

  private void throughput(Runs runs, Report report) {
    Map<String, Map<String, List<Runs.Throughput>>> results = new LinkedHashMap<>();
    for (int round = 0; round < options.rounds; round++) {
      List<String> order = new ArrayList<>(options.subjects);
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (String section : List.of("publish", "e2e1", "e2e4")) {
        if (!options.runs(section)) {
          continue;
        }
        for (String kind : order) {
          progress.printf(Locale.ROOT, "round %d/%d: %s %s%n", round + 1, options.rounds, section, kind);
          Runs.Throughput v = switch (section) {
            case "publish" -> runs.publish(kind, options.messages);
            case "e2e1" -> runs.endToEnd(kind, 1, options.messages);
            default -> runs.endToEnd(kind, 4, options.messages);
          };
          results.computeIfAbsent(section, s -> new LinkedHashMap<>()).computeIfAbsent(kind, k -> new ArrayList<>())
              .add(v);
        }
      }
    }
    Map<String, String> labels = Map.of("publish", "publish, msg/s",
        "e2e1", "end-to-end, 1 subscription, msg/s",
        "e2e4", "end-to-end, 4 subscriptions in 1 group, msg/s");
    Map<String, Report.Target> targets = Map.of("publish", Report.Target.ratioAtLeast(0.8),
        "e2e1", Report.Target.ratioAtLeast(0.9), "e2e4", Report.Target.ratioAtLeast(0.9));
    if (!results.isEmpty()) {
      details.add("");
      details.add("warm-up (" + options.warmupMessages + " messages per section and pass, until a pass compiles less"
          + " than " + SETTLED_JIT_MS + " ms): " + String.join("; ", warmups));
      details.add("throughput is the median of the rounds (plain and bus alternate, each on fresh keys);");
      details.add("CPU per message in microseconds, median of the rounds: this JVM (both sides of the bus or loop)"
          + " + redis-server:");
    }
    results.forEach((section, byKind) -> {
      report.throughput(labels.get(section), median(byKind.get("bus"), Runs.Throughput::perSecond),
          median(byKind.get("plain"), Runs.Throughput::perSecond), targets.get(section));
      details.add(String.format(Locale.ROOT, "  %-8s msg/s  bus %s;  plain %s", section,
          list(byKind.get("bus")), list(byKind.get("plain"))));
      details.add(String.format(Locale.ROOT, "  %-8s cpu    bus %s;  plain %s", "", cpu(byKind.get("bus")),
          cpu(byKind.get("plain"))));
      details.add(String.format(Locale.ROOT, "  %-8s calls  bus %s;  plain %s", "", calls(byKind.get("bus")),
          calls(byKind.get("plain"))));
    });
  }

  private void latency(Runs runs, Report report) {
    Map<String, Runs.Latency> byKind = new LinkedHashMap<>();
    for (String kind : options.subjects) {
      progress.printf(Locale.ROOT, "latency: %s at %d msg/s for %d s%n", kind, options.rate,
          options.latencyWarmupSeconds + options.latencySeconds);
      byKind.put(kind, runs.latency(kind, options.rate, options.latencyWarmupSeconds, options.latencySeconds));
    }
    Runs.Latency bus = byKind.getOrDefault("bus", Runs.Latency.NONE);
    Runs.Latency plain = byKind.getOrDefault("plain", Runs.Latency.NONE);
    String at = String.format(Locale.ROOT, " at %,d msg/s, ms", options.rate);
    report.latency("end-to-end latency p50" + at, ms(bus.endToEnd(), 50), ms(plain.endToEnd(), 50), null);
    report.latency("end-to-end latency p99" + at, ms(bus.endToEnd(), 99), ms(plain.endToEnd(), 99),
        Report.Target.busAtMost(1.0, "ms"));
    report.latency("end-to-end latency p99.9" + at, ms(bus.endToEnd(), 99.9), ms(plain.endToEnd(), 99.9), null);
    report.latency("end-to-end latency max" + at, maxMs(bus.endToEnd()), maxMs(plain.endToEnd()), null);
    report.latency("publish reply p99" + at, ms(bus.publish(), 99), ms(plain.publish(), 99), null);
    details.add("");
    details.add(String.format(Locale.ROOT, "latency: 1 subscription; %,d (bus) and %,d (plain) messages recorded;"
        + " time from the publish call to the handler", bus.recorded(), plain.recorded()));
    details.add("  (System.nanoTime() of one JVM, carried in the payload; the ack is queued as the handler returns)");
  }

  private List<String> cluster(Report report) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(String.format(Locale.ROOT, "cluster: bus end-to-end on a 3-master Redis Cluster, %d subscription(s),"
        + " %,d messages (median of %d rounds; no plain baseline)", options.clusterSubscriptions, options.messages,
        options.rounds));
    progress.println("cluster: starting 3 masters");
    try (RedisCluster cluster = RedisCluster.start(3, 0)) {
      Vertx vertx = Vertx.vertx();
      try {
        for (int partitions : options.clusterPartitions) {
          Runs runs = new Runs(vertx, new ClusterTarget(cluster, partitions), options);
          if (options.warmupMessages > 0) {
            runs.endToEnd("bus", options.clusterSubscriptions, Math.min(options.warmupMessages, options.messages));
          }
          List<Double> values = new ArrayList<>();
          for (int round = 0; round < options.rounds; round++) {
            progress.printf(Locale.ROOT, "cluster: %d partition(s), round %d/%d%n", partitions, round + 1,
                options.rounds);
            values.add(runs.endToEnd("bus", options.clusterSubscriptions, options.messages).perSecond());
          }
          lines.add(String.format(Locale.ROOT, "  %d partition(s): %,.0f msg/s  (rounds %s)", partitions,
              median(values), listOf(values)));
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      }
    }
    return lines;
  }

  private static Double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
  }

  private static Double maxMs(Histogram h) {
    return h.getTotalCount() == 0 ? null : h.getMaxValue() / (double) TimeUnit.MILLISECONDS.toNanos(1);
  }

  private static Double median(List<Runs.Throughput> values, java.util.function.ToDoubleFunction<Runs.Throughput> f) {
    return values == null ? null : median(values.stream().map(f::applyAsDouble).toList());
  }

  private static String list(List<Runs.Throughput> values) {
    return values == null ? "-" : values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v.perSecond()))
        .collect(Collectors.joining(" / "));
  }

  private static String cpu(List<Runs.Throughput> values) {
    if (values == null) {
      return "-";
    }
    double jvm = median(values, Runs.Throughput::jvmCpuUs);
    double redis = median(values, Runs.Throughput::redisCpuUs);
    double reads = median(values, Runs.Throughput::redisReadsPerMessage);
    double jit = median(values, Runs.Throughput::jitMs);
    return String.format(Locale.ROOT, "%.1f + %.1f = %.1f us (redis reads/msg %.2f; JIT %.0f ms per run)", jvm, redis,
        jvm + redis, reads, jit);
  }

  /** Redis commands per message in the last round, e.g. "xadd 1.00 xack 0.02". */
  private static String calls(List<Runs.Throughput> values) {
    if (values == null) {
      return "-";
    }
    return values.get(values.size() - 1).callsPerMessage().entrySet().stream()
        .filter(e -> e.getValue() >= 0.0005)
        .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue())).collect(Collectors.joining(" "));
  }

  static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String listOf(List<Double> values) {
    return values == null ? "-" : values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v))
        .collect(Collectors.joining(" / "));
  }

  /** calls=N of each cmdstat_<name> line of INFO commandstats. */
  static Map<String, Long> calls(RedisServer redis) {
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : redis.command("INFO", "commandstats").split("\\r?\\n")) {
      int colon = line.indexOf(':');
      int at = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && colon > 0 && at > 0) {
        int end = line.indexOf(',', at);
        calls.put(line.substring(8, colon), Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end)));
      }
    }
    return calls;
  }

  /** total_reads_processed of INFO stats. */
  static long reads(RedisServer redis) {
    for (String line : redis.command("INFO", "stats").split("\\r?\\n")) {
      if (line.startsWith("total_reads_processed:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  /** used_cpu_sys + used_cpu_user of INFO cpu. */
  static double cpuSeconds(RedisServer redis) {
    double total = 0;
    for (String line : redis.command("INFO", "cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }

  /** One redis-server: the bus on its db 0 with a fresh key prefix per run, FLUSHALL between runs. */
  private static final class StandaloneTarget implements Runs.Target {
    private final RedisServer redis;

    StandaloneTarget(RedisServer redis) {
      this.redis = redis;
    }

    @Override
    public String uri() {
      return redis.uri();
    }

    @Override
    public BusOptions busOptions(String keyPrefix) {
      return new BusOptions().setConnectionString(redis.uri()).setKeyPrefix(keyPrefix);
    }

    @Override
    public List<Map<String, Object>> groups(String stream) {
      List<Map<String, Object>> out = new ArrayList<>();
      if (redis.commandRaw("XINFO", "GROUPS", stream) instanceof List<?> groups) {
        for (Object g : groups) {
          Map<String, Object> m = new LinkedHashMap<>();
          List<?> flat = (List<?>) g;
          for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(String.valueOf(flat.get(i)), flat.get(i + 1));
          }
          out.add(m);
        }
      }
      return out;
    }

    @Override
    public void flush() {
      redis.command("FLUSHALL");
    }

    @Override
    public double redisCpuSeconds() {
      return cpuSeconds(redis);
    }

    @Override
    public long redisReads() {
      return reads(redis);
    }

    @Override
    public Map<String, Long> redisCalls() {
      return calls(redis);
    }
  }

  /** A 3-master cluster: the bus with {@code partitions} partitions; acknowledgements checked through the metrics. */
  private static final class ClusterTarget implements Runs.Target {
    private final RedisCluster cluster;
    private final int partitions;

    ClusterTarget(RedisCluster cluster, int partitions) {
      this.cluster = cluster;
      this.partitions = partitions;
    }

    @Override
    public String uri() {
      return cluster.uris().get(0);
    }

    @Override
    public BusOptions busOptions(String keyPrefix) {
      return new BusOptions().setTopology(BusOptions.Topology.CLUSTER).setConnectionStrings(cluster.uris())
          .setKeyPrefix(keyPrefix).setPartitions(partitions);
    }

    @Override
    public List<Map<String, Object>> groups(String stream) {
      return null;
    }

    @Override
    public void flush() {
      cluster.masters().forEach(m -> m.command("FLUSHALL"));
    }

    @Override
    public double redisCpuSeconds() {
      return cluster.masters().stream().mapToDouble(Benchmark::cpuSeconds).sum();
    }

    @Override
    public long redisReads() {
      return cluster.masters().stream().mapToLong(Benchmark::reads).sum();
    }

    @Override
    public Map<String, Long> redisCalls() {
      Map<String, Long> all = new LinkedHashMap<>();
      cluster.masters().forEach(m -> calls(m).forEach((k, v) -> all.merge(k, v, Long::sum)));
      return all;
    }
  }
}
