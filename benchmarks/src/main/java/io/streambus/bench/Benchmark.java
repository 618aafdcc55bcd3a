package io.streambus.bench;

import io.streambus.ConsumerOptions;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark command. The launcher starts a redis-server and, for every figure, child JVMs that each measure one
 * run of one subject (the bus, or the plain vertx-redis-client loop), alternating the subjects; it prints the figures
 * with bus/plain and the targets, and the CPU of every run. With {@code worker <spec>} as arguments this is the child.
 * The report goes to stdout, progress to stderr.
 */
public final class Benchmark {
  /** The first argument that makes this JVM a child running one measured run. */
  static final String WORKER = "worker";

  private final BenchOptions options;
  private final PrintStream out;
  private final PrintStream progress;
  private final List<RunResult> results = new ArrayList<>();
  private int keyPrefixes;
  private Path profileDir;

  private Benchmark(BenchOptions options, PrintStream out, PrintStream progress) {
    this.options = options;
    this.out = out;
    this.progress = progress;
  }

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals(WORKER)) {
      System.exit(Worker.run(args[1], System.out, System.err));
    }
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs with the given arguments; 0 when every run succeeded (targets met or not), 2 on a bad command line, 1 when
   * a run or the benchmark failed.
   */
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
      return new Benchmark(options, out, progress).run();
    } catch (RuntimeException e) {
      progress.println("benchmark failed: " + e.getMessage());
      e.printStackTrace(progress);
      return 1;
    }
  }

  private int run() {
    long started = System.nanoTime();
    String loadAtStart = Machine.loadAverage();
    String server = null;
    if (options.profile) {
      profileDir = profileDir();
    }
    List<Section> standalone = options.sections.stream().filter(s -> s != Section.CLUSTER).toList();
    if (!standalone.isEmpty()) {
      try (RedisServer redis = RedisServer.builder().name("benchmark").start()) {
        server = redis.server();
        List<String> uris = List.of(redis.uri());
        List<Long> pids = List.of(pid(redis));
        for (Section s : standalone) {
          for (int rep = 1; rep <= repetitions(); rep++) {
            if (s == Section.ORDERING) {
              // the bus against itself: the variants are the orderings, alternating as the subjects do
              for (String ordering : List.of("none", "key")) {
                measure(s, "bus", rep, ordering, uris, pids, false, options.orderingPartitions, ordering,
                    options.orderingKeys);
              }
              continue;
            }
            for (String subject : options.subjects) {
              measure(s, subject, rep, "", uris, pids, false, 1, "none", 0);
            }
          }
        }
      }
    }
    if (options.runs(Section.CLUSTER)) {
      progress.println("cluster: starting 3 masters");
      try (RedisCluster cluster = RedisCluster.start(3, 0)) {
        List<RedisServer> masters = cluster.masters();
        server = server == null ? masters.get(0).server() : server;
        List<String> uris = masters.stream().map(RedisServer::uri).toList();
        List<Long> pids = masters.stream().map(Benchmark::pid).toList();
        for (int partitions : options.clusterPartitions) {
          for (int rep = 1; rep <= repetitions(); rep++) {
            measure(Section.CLUSTER, "bus", rep, partitions + " partition" + (partitions == 1 ? "" : "s"), uris, pids,
                true, partitions, "none", 0);
          }
        }
      }
    }
    printHeader(server, loadAtStart);
    Report report = new Report(options, results);
    if (options.profile) {
      report.printRunsOnly(out);
      printProfiles();
    } else {
      report.print(out);
    }
    long failed = results.stream().filter(r -> !r.ok()).count();
    if (failed > 0) {
      out.printf(Locale.ROOT, "%d run(s) FAILED: the figures above leave them out%n", failed);
    }
    out.printf(Locale.ROOT, "took %.0f s; load average at the end %s%n", (System.nanoTime() - started) / 1e9,
        Machine.loadAverage());
    return failed > 0 ? 1 : 0;
  }

  private int repetitions() {
    return options.profile ? 1 : options.repetitions;
  }

  private void measure(Section section, String subject, int rep, String variant, List<String> uris, List<Long> pids,
                       boolean cluster, int partitions, String ordering, int keys) {
    String label = section.id + (variant.isEmpty() ? "" : " " + variant) + " #" + rep + " " + subject;
    String jfr = profileDir == null ? null
        : profileDir.resolve(section.id + (cluster ? "-" + partitions + "p" : "")
            + (section == Section.ORDERING ? "-" + ordering : "") + "-" + subject + ".jfr").toString();
    WorkerSpec spec = new WorkerSpec(subject, section, options.profile ? options.profileMessages : options.messages,
        options.warmupMessages, options.maxWarmupPasses, options.settledJitMs, options.payloadBytes, options.window,
        options.batchSize, options.batchesInFlight, options.readCount, options.plainBlockMs, options.rate,
        options.latencySeconds, options.latencyWarmupSeconds, options.asyncDelayMs,
        section == Section.CLUSTER ? options.clusterSubscriptions : section.subscriptions, options.runTimeoutSeconds,
        uris, pids, cluster, partitions, ordering, keys, "bench" + (++keyPrefixes), jfr);
    // each run inside the child has its own deadline; this one only catches a child that hangs outside them
    long timeout = options.runTimeoutSeconds * (options.maxWarmupPasses + 2) + 60;
    String load = Machine.loadAverage();
    progress.printf(Locale.ROOT, "%s (load %s)%n", label, load);
    RunResult result;
    try {
      JsonObject json = ChildJvm.run(options.jvmArgs, spec, timeout, progress, label);
      result = new RunResult(section, subject, rep, variant, json, null, load);
    } catch (RuntimeException e) {
      progress.println("  " + label + " FAILED: " + e.getMessage());
      result = new RunResult(section, subject, rep, variant, null, e.getMessage(), load);
    }
    results.add(result);
    writeResult(result);
  }

  private void writeResult(RunResult r) {
    if (options.resultsFile == null) {
      return;
    }
    JsonObject line = new JsonObject().put("section", r.section().id).put("subject", r.subject())
        .put("repetition", r.repetition()).put("variant", r.variant()).put("loadAtLaunch", r.loadAtLaunch())
        .put("error", r.error()).put("result", r.json());
    try {
      Files.writeString(Path.of(options.resultsFile), line.encode() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + options.resultsFile, e);
    }
  }

  private Path profileDir() {
    try {
      if (options.profileDir != null) {
        return Files.createDirectories(Path.of(options.profileDir)).toAbsolutePath();
      }
      return Files.createTempDirectory("streambus-bench-jfr-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the profile directory", e);
    }
  }

  private void printHeader(String server, String loadAtStart) {
    out.println();
    out.println("Streambus benchmark: the bus vs a plain vertx-redis-client loop, every run in a child JVM of its own");
    out.println(Machine.describe(server, loadAtStart));
    out.println("child JVMs: " + String.join(" ", ChildJvm.command(options.jvmArgs).subList(0, 1 + options.jvmArgs.size()))
        + " (both subjects; default GC), " + 2 * Runtime.getRuntime().availableProcessors() + " event loops");
    out.println("settings: " + options);
    out.println("bus:      defaults: leases (claim min idle " + ConsumerOptions.DEFAULT_CLAIM_MIN_IDLE_MS
        + " ms), reclaim every " + ConsumerOptions.DEFAULT_RECLAIM_INTERVAL_MS + " ms, dead-lettering after "
        + ConsumerOptions.DEFAULT_MAX_DELIVERIES + " deliveries, ACKED trimming, gauges, metrics in a"
        + " PrometheusMeterRegistry; maxInFlight " + options.readCount);
    if (options.subjects.contains("plain") && options.sections.stream().anyMatch(x -> x != Section.CLUSTER)) {
      out.println("plain:    XADD pipelined on one connection (send(), or batch() for publishAll); per consumer"
          + " XREADGROUP COUNT " + options.readCount + " BLOCK " + options.plainBlockMs + " on its own connection, one"
          + " XACK per batch on another, not awaited");
    }
    out.println();
  }

  private void printProfiles() {
    for (RunResult r : results) {
      if (!r.ok() || r.json().getString("jfrFile") == null) {
        continue;
      }
      Path file = Path.of(r.json().getString("jfrFile"));
      out.println();
      out.printf(Locale.ROOT, "JFR profile: %s %s%s, %,d messages (one run; the recording costs CPU, so its msg/s is"
          + " not a figure)%n  %s%n", r.section().id, r.subject(), r.variant().isEmpty() ? "" : " " + r.variant(),
          r.messages(), file);
      JsonObject usage = r.json().getJsonObject("usage");
      JfrSummary.read(file, usage.getLong("fromEpochNs"), usage.getLong("toEpochNs")).print(out, options.profileTop);
    }
  }

  /** redis-server's process id, from INFO server: its CPU is read from /proc. */
  private static long pid(RedisServer redis) {
    for (String line : redis.command("INFO", "server").split("\r?\n")) {
      if (line.startsWith("process_id:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new IllegalStateException(redis + ": INFO server has no process_id");
  }
}
