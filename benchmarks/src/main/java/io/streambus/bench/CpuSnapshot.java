package io.streambus.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the worker's JVM and the redis-server(s) have used so far: process and per-thread CPU, JIT and GC time, and
 * Redis's commands and socket reads. Two snapshots around a run give what the run cost ({@link #until}).
 *
 * <p>Java threads are measured with {@link ThreadMXBean} (nanoseconds, full names such as
 * {@code vert.x-eventloop-thread-2}). GC, JIT-compiler and VM threads are not Java threads ThreadMXBean shows, so they
 * come from {@code /proc/self/task/<tid>/stat} (clock ticks; names cut at 15 characters, which is enough to tell
 * them). What neither accounts for (threads that ended during the run, other native threads) is reported as "other".
 */
final class CpuSnapshot {
  /** Linux's USER_HZ: the unit of utime and stime in /proc stat files, 100 on every architecture the JDK runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long wallNs = System.nanoTime();
  private final Instant at = Instant.now();
  private final long processNs = processCpuNs();
  private final Map<Long, Named> javaThreads = javaThreads();
  private final Map<String, Named> nativeThreads = nativeThreads();
  private final long redisNs;
  private final long jitMs = jitCpuMs();
  private final long gcMs;
  private final long gcCount;
  private final Map<String, Long> redisCalls;
  /** Microseconds Redis spent per command (a script's usec includes the commands it calls). */
  private final Map<String, Long> redisUsec;
  private final long redisReads;

  private record Named(String name, long ns) {
  }

  CpuSnapshot(List<String> redisUris, List<Long> redisPids) {
    this.redisNs = redisPids.stream().mapToLong(CpuSnapshot::processTicks).sum() * NANOS_PER_TICK;
    long ms = 0;
    long count = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
      count += Math.max(0, gc.getCollectionCount());
    }
    this.gcMs = ms;
    this.gcCount = count;
    Map<String, Long> calls = new TreeMap<>();
    Map<String, Long> usec = new TreeMap<>();
    long reads = 0;
    for (String uri : redisUris) {
      RespClient.info(uri, "commandstats").forEach((k, v) -> {
        if (k.startsWith("cmdstat_")) {
          calls.merge(k.substring(8), statField(v, "calls"), Long::sum);
          usec.merge(k.substring(8), statField(v, "usec"), Long::sum);
        }
      });
      reads += Long.parseLong(RespClient.info(uri, "stats").getOrDefault("total_reads_processed", "0"));
    }
    this.redisCalls = calls;
    this.redisUsec = usec;
    this.redisReads = reads;
  }

  /** What happened between this snapshot and {@code later}, as the JSON the launcher reads. */
  JsonObject until(CpuSnapshot later) {
    Map<String, Long> groups = new TreeMap<>();
    long attributed = 0;
    for (Map.Entry<Long, Named> e : later.javaThreads.entrySet()) {
      Named before = javaThreads.get(e.getKey());
      long ns = e.getValue().ns - (before == null ? 0 : before.ns);
      if (ns > 0) {
        groups.merge(group(e.getValue().name), ns, Long::sum);
        attributed += ns;
      }
    }
    for (Map.Entry<String, Named> e : later.nativeThreads.entrySet()) {
      Named before = nativeThreads.get(e.getKey());
      long ns = e.getValue().ns - (before == null ? 0 : before.ns);
      if (ns > 0) {
        groups.merge(e.getValue().name, ns, Long::sum);
        attributed += ns;
      }
    }
    long process = later.processNs - processNs;
    if (process - attributed > 0) {
      groups.put("other", process - attributed);
    }
    JsonObject threads = new JsonObject();
    groups.forEach(threads::put);
    JsonObject calls = new JsonObject();
    JsonObject usec = new JsonObject();
    later.redisCalls.forEach((cmd, n) -> {
      long delta = n - redisCalls.getOrDefault(cmd, 0L);
      // INFO is this class's own bookkeeping
      if (delta > 0 && !cmd.equals("info")) {
        calls.put(cmd, delta);
        usec.put(cmd, later.redisUsec.getOrDefault(cmd, 0L) - redisUsec.getOrDefault(cmd, 0L));
      }
    });
    return new JsonObject().put("wallNs", later.wallNs - wallNs).put("fromEpochNs", epochNs(at))
        .put("toEpochNs", epochNs(later.at)).put("jvmCpuNs", process)
        .put("redisCpuNs", later.redisNs - redisNs).put("jitMs", later.jitMs - jitMs).put("gcMs", later.gcMs - gcMs)
        .put("gcCount", later.gcCount - gcCount).put("threads", threads).put("redisCalls", calls)
        .put("redisUsec", usec)
        .put("redisReads", later.redisReads - redisReads);
  }

  /**
   * The group a Java thread's CPU is shown under: each event loop on its own (one event loop at a full core is a
   * bottleneck the JVM total hides), other pools by name without the number.
   */
  static String group(String name) {
    if (name.startsWith("vert.x-eventloop-thread-")) {
      return name;
    }
    if (name.equals("main")) {
      return "main (the harness)";
    }
    return name.replaceAll("[-#]?\\d+$", "");
  }

  /**
   * CPU the JIT compiler threads have used so far, in ms. Not the CompilationMXBean's compilation time: that is
   * elapsed time, which grows with the machine's load when other processes share the cores.
   */
  static long jitCpuMs() {
    return nativeThreads().values().stream().filter(n -> n.name.equals("JIT compiler")).mapToLong(Named::ns).sum()
        / 1_000_000;
  }

  static long epochNs(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** The number after {@code name=} in an INFO commandstats value, e.g. calls=12,usec=40,... */
  private static long statField(String value, String name) {
    int at = value.indexOf(name + "=");
    if (at < 0) {
      return 0;
    }
    int end = value.indexOf(',', at);
    return Long.parseLong(value.substring(at + name.length() + 1, end < 0 ? value.length() : end));
  }

  private static long processCpuNs() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static Map<Long, Named> javaThreads() {
    Map<Long, Named> out = new HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long ns = THREADS.getThreadCpuTime(ids[i]);
      // compiler threads, should a JVM show them here, are counted from /proc under "JIT compiler"
      if (infos[i] != null && ns >= 0 && !infos[i].getThreadName().contains("CompilerThread")) {
        out.put(ids[i], new Named(infos[i].getThreadName(), ns));
      }
    }
    return out;
  }

  /** GC, JIT and VM threads of this JVM from /proc, keyed by thread id, named by their group. */
  private static Map<String, Named> nativeThreads() {
    Map<String, Named> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> {
        String stat = read(task.resolve("stat"));
        if (stat == null) {
          return; // ended meanwhile
        }
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String group = nativeGroup(comm);
        if (group != null) {
          out.put(task.getFileName().toString(), new Named(group, ticks(stat) * NANOS_PER_TICK));
        }
      });
    } catch (IOException | RuntimeException e) {
      // not Linux: GC and JIT show up under "other"
    }
    return out;
  }

  private static String nativeGroup(String comm) {
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
      return "GC";
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
      return "JIT compiler";
    }
    if (comm.startsWith("VM ")) {
      return "VM";
    }
    return null;
  }

  private static long processTicks(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    return stat == null ? 0 : ticks(stat);
  }

  /** utime + stime (fields 14 and 15) of a /proc stat line; the command name in parentheses may hold spaces. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
