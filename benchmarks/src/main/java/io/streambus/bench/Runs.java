package io.streambus.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One measured run each: a fresh subject on a fresh stream, the publisher on one fixed context, consumers on contexts
 * of their own; afterwards a check that every message was acknowledged, and the keys are dropped.
 */
final class Runs {
  private static final long SETTLE_TIMEOUT_MS = 15_000;
  private final Vertx vertx;
  private final Target target;
  private final BenchOptions options;
  private final Payloads payloads;
  private final Context publisherContext;
  private int seq;

  /** Where the runs go: connection strings, a way to run commands, and how to make a bus's options. */
  interface Target {
    String uri();

    BusOptions busOptions(String keyPrefix);

    /** XINFO GROUPS of {@code stream} as name/value maps, or null when it cannot be checked. */
    List<Map<String, Object>> groups(String stream);

    void flush();

    /** CPU seconds the Redis server(s) used so far (INFO cpu), or -1 when unknown. */
    double redisCpuSeconds();

    /** Socket reads Redis has done so far (INFO stats total_reads_processed): how well clients batch their writes. */
    long redisReads();

    /** Calls per command so far (INFO commandstats), lower-case command names; empty when unknown. */
    Map<String, Long> redisCalls();
  }

  /**
   * Throughput of one run in msg/s, the CPU each message cost in this JVM and in Redis in microseconds, and the
   * milliseconds the JIT compilers worked during the run (on 2 cores they take CPU from the run; a warmed-up run shows
   * little).
   */
  record Throughput(double perSecond, double jvmCpuUs, double redisCpuUs, double redisReadsPerMessage,
                    Map<String, Double> callsPerMessage, long jitMs) {
  }

  /** Process CPU of this JVM and of Redis, sampled at the start of a run. */
  private final class Cpu {
    private final long jvmNs = jvmCpuNs();
    private final double redisS = target.redisCpuSeconds();
    private final long reads = target.redisReads();
    private final Map<String, Long> calls = target.redisCalls();
    private final long jitMs = jitMs();

    Throughput per(long messages, double perSecond) {
      double jvm = (jvmCpuNs() - jvmNs) / 1e3 / messages;
      double redis = redisS < 0 ? -1 : (target.redisCpuSeconds() - redisS) * 1e6 / messages;
      Map<String, Double> perMessage = new TreeMap<>();
      target.redisCalls().forEach((cmd, n) -> {
        long delta = n - calls.getOrDefault(cmd, 0L);
        if (delta > 0 && !cmd.equals("info")) {
          perMessage.put(cmd, delta / (double) messages);
        }
      });
      return new Throughput(perSecond, jvm, redis, (target.redisReads() - reads) / (double) messages, perMessage,
          jitMs() - jitMs);
    }
  }

  /** Accumulated JIT compilation time, or 0 when the JVM does not say. */
  static long jitMs() {
    java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  private static long jvmCpuNs() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Latency histograms (ns) of one paced run: publish to handler, and publish to Redis's reply. */
  record Latency(Histogram endToEnd, Histogram publish, long recorded) {
    static final Latency NONE = new Latency(new Histogram(3), new Histogram(3), 0);
  }

  Runs(Vertx vertx, Target target, BenchOptions options) {
    this.vertx = vertx;
    this.target = target;
    this.options = options;
    this.payloads = new Payloads(options.payloadBytes);
    this.publisherContext = vertx.getOrCreateContext();
  }

  Subject subject(String kind) {
    int n = ++seq;
    return subject(kind, target.busOptions("bench" + n), n);
  }

  private Subject subject(String kind, BusOptions busOptions, int n) {
    return switch (kind) {
      case "bus" -> new BusSubject(vertx, busOptions, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "bench",
          options.readCount);
      case "plain" -> new PlainSubject(vertx, target.uri(), "plain:" + n, options.readCount);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Publish only: {@code messages} through the window, from the first publish to the last reply. */
  Throughput publish(String kind, long messages) {
    Subject s = subject(kind);
    return using(s, () -> {
      await(s, onPublisherContext(s::open));
      Cpu cpu = new Cpu();
      Publishers.Outcome out = await(s, Publishers.closedLoop(publisherContext, s, payloads, messages,
          options.window));
      Throughput result = cpu.per(messages, out.perSecond());
      requireNoFailures(s, out);
      return result;
    });
  }

  /**
   * Publish while {@code consumers} subscriptions of one group consume: from the first publish to the moment the last
   * message's handler returned (its acknowledgement is queued then); then waits until Redis shows all acknowledged.
   */
  Throughput endToEnd(String kind, int consumers, long messages) {
    return endToEnd(subject(kind), consumers, messages);
  }

  Throughput endToEnd(Subject s, int consumers, long messages) {
    return using(s, () -> {
      Receiver.Tally tally = new Receiver.Tally(messages);
      List<Receiver> receivers = new ArrayList<>();
      await(s, onPublisherContext(s::open));
      await(s, s.consume(consumers, i -> add(receivers, new Receiver(tally))));
      Cpu cpu = new Cpu();
      Publishers.Outcome out = await(s, Publishers.closedLoop(publisherContext, s, payloads, messages,
          options.window));
      requireNoFailures(s, out);
      long last = await(s, tally.last());
      Throughput result = cpu.per(messages, messages * 1e9 / Math.max(1, last - out.startNs()));
      settle(s, messages);
      return result;
    });
  }

  /** One subscription, publisher paced at {@code rate}; records messages sent after the warm-up seconds. */
  Latency latency(String kind, int rate, int warmupSeconds, int seconds) {
    Subject s = subject(kind);
    return using(s, () -> {
      long total = (long) rate * (warmupSeconds + seconds);
      Receiver.Tally tally = new Receiver.Tally(total);
      List<Receiver> receivers = new ArrayList<>();
      await(s, onPublisherContext(s::open));
      await(s, s.consume(1, i -> add(receivers, new Receiver(tally))));
      tally.recordFrom(System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds));
      Publishers.Outcome out = await(s, Publishers.paced(publisherContext, s, payloads, total, rate));
      requireNoFailures(s, out);
      await(s, tally.last());
      settle(s, total);
      Histogram e2e = Receiver.merged(receivers);
      return new Latency(e2e, out.publishLatency(), e2e.getTotalCount());
    });
  }

  private static Receiver add(List<Receiver> list, Receiver r) {
    list.add(r);
    return r;
  }

  private <T> Future<T> onPublisherContext(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    publisherContext.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private <T> T using(Subject s, Supplier<T> run) {
    try {
      return run.get();
    } finally {
      try {
        await(s, s.close());
      } catch (RuntimeException e) {
        System.err.println(s.name() + ": close failed: " + e.getMessage());
      }
      target.flush();
      System.gc();
    }
  }

  private static void requireNoFailures(Subject s, Publishers.Outcome out) {
    if (out.failed() > 0) {
      throw new IllegalStateException(s.name() + ": " + out.failed() + " publishes failed, the first with "
          + out.firstError());
    }
  }

  /**
   * Waits until Redis reports the group has read everything and holds nothing pending: every message was
   * acknowledged. For the bus, the acked counter of its meter registry must agree.
   */
  private void settle(Subject s, long messages) {
    long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MS;
    String state = "";
    while (System.currentTimeMillis() < deadline) {
      List<Map<String, Object>> groups = target.groups(s.stream());
      if (groups == null) {
        state = "not checked in Redis";
        if (ackedByMetrics(s) == messages) {
          return;
        }
        sleep(5);
        continue;
      }
      Map<String, Object> g = groups.stream().filter(m -> s.group().equals(String.valueOf(m.get("name"))))
          .findFirst().orElse(Map.of());
      long read = number(g.get("entries-read"));
      long pending = number(g.get("pending"));
      state = "entries-read " + read + ", pending " + pending + ", acked counter " + ackedByMetrics(s);
      // the bus counts an acknowledgement when its reply is back, a moment after XINFO already shows it
      if (read == messages && pending == 0 && settledMetrics(s, messages)) {
        checkMetrics(s, messages);
        return;
      }
      sleep(5);
    }
    throw new IllegalStateException(s.name() + ": not all " + messages + " messages acknowledged after "
        + SETTLE_TIMEOUT_MS + " ms (" + state + ")");
  }

  private static boolean settledMetrics(Subject s, long messages) {
    long acked = ackedByMetrics(s);
    return acked < 0 || acked >= messages;
  }

  private static void checkMetrics(Subject s, long messages) {
    long acked = ackedByMetrics(s);
    if (acked >= 0 && acked != messages) {
      throw new IllegalStateException("bus: the " + BusMeters.ACKED + " counter says " + acked + ", expected "
          + messages);
    }
  }

  /** The bus's acked counter, or -1 for the plain loop. */
  private static long ackedByMetrics(Subject s) {
    if (s instanceof BusSubject bus) {
      Counter acked = bus.registry().find(BusMeters.ACKED).counter();
      return acked == null ? 0 : (long) acked.count();
    }
    return -1;
  }

  private static long number(Object o) {
    if (o instanceof Long l) {
      return l;
    }
    try {
      return o == null ? -1 : Long.parseLong(o.toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private <T> T await(Subject s, Future<T> f) {
    return await(s, f.toCompletionStage().toCompletableFuture());
  }

  private <T> T await(Subject s, CompletableFuture<T> f) {
    try {
      return f.get(options.runTimeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(s.name() + ": the run did not finish within " + options.runTimeoutSeconds
          + " s (--run-timeout)");
    } catch (ExecutionException e) {
      throw new IllegalStateException(s.name() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
