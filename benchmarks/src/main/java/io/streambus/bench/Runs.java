package io.streambus.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.Ordering;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The runs of one worker: each on a fresh subject and fresh keys, the publisher on one fixed context, consumers on
 * contexts of their own; afterwards a check that every message was acknowledged, and the keys are dropped. Each run
 * answers what it measured as JSON: msg/s and, between its first publish and its last message, what the JVM and
 * Redis spent ({@link CpuSnapshot}).
 */
final class Runs {
  private static final long SETTLE_TIMEOUT_MS = 15_000;
  private final Vertx vertx;
  private final WorkerSpec spec;
  private final Payloads payloads;
  private final Context publisherContext;
  private final List<Context> consumerContexts = new ArrayList<>();
  private int seq;

  Runs(Vertx vertx, WorkerSpec spec) {
    this.vertx = vertx;
    this.spec = spec;
    this.payloads = new Payloads(spec.payloadBytes());
    this.publisherContext = freshContext();
    for (int i = 0; i < Math.max(1, spec.subscriptions()); i++) {
      // On a cluster the bus's subscriptions run partly off the context they were made on (see docs/benchmarks.md,
      // "A bus-core bug"), and acknowledgements get lost; all on the publisher's context, as the earlier harness
      // had it, nothing runs off its context.
      consumerContexts.add(spec.cluster() ? publisherContext : freshContext());
    }
  }

  /**
   * The context of a newly deployed verticle: deployments take the event loops in turn, so the publisher and each
   * consumer run as separate verticles would. ({@code getOrCreateContext()} from this non-Vert.x thread would give
   * the same context every time, and put everything on one event loop.)
   */
  private Context freshContext() {
    CompletableFuture<Context> made = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        made.complete(context);
        return Future.succeededFuture();
      }
    }).onFailure(made::completeExceptionally);
    try {
      return made.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot deploy a verticle for a context", e);
    }
  }

  /** One run of the spec's section with {@code messages} messages (for latency: its paced run, whatever the count). */
  JsonObject run(long messages) {
    return switch (spec.section().kind) {
      case PUBLISH -> publish(messages);
      case PUBLISH_ALL -> publishAll(messages);
      case END_TO_END -> endToEnd(spec.subscriptions(), spec.section().asyncHandler ? spec.asyncDelayMs() : -1,
          messages);
      case LATENCY -> latency();
    };
  }

  /** A closed-loop run that warms the same paths as {@link #run}: the latency section's is end to end, unpaced. */
  JsonObject warmUp(long messages) {
    return spec.section().kind == Section.Kind.LATENCY ? endToEnd(1, -1, messages) : run(messages);
  }

  private Subject subject() {
    int n = ++seq;
    String prefix = spec.keyPrefix() + "-" + n;
    if (spec.isBus()) {
      BusOptions options = spec.cluster()
          ? new BusOptions().setTopology(BusOptions.Topology.CLUSTER).setConnectionStrings(spec.redisUris())
          : new BusOptions().setConnectionString(spec.redisUris().get(0));
      options.setPartitions(spec.partitions());
      return new BusSubject(vertx, options.setKeyPrefix(prefix), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          "bench", spec.readCount(), Ordering.parse(spec.ordering()), spec.keys());
    }
    return new PlainSubject(vertx, spec.redisUris().get(0), prefix + ":plain", spec.readCount(), spec.plainBlockMs());
  }

  private CpuSnapshot snapshot() {
    return new CpuSnapshot(spec.redisUris(), spec.redisPids());
  }

  /** Publish only: from the first publish to the last reply. */
  private JsonObject publish(long messages) {
    Subject s = subject();
    return using(s, () -> {
      await(s, onPublisherContext(s::open));
      CpuSnapshot before = snapshot();
      Publishers.Outcome out = await(s, Publishers.closedLoop(publisherContext, s, payloads, messages,
          spec.window()));
      JsonObject usage = before.until(snapshot());
      requireNoFailures(s, out);
      return result(messages, out.perSecond(), usage);
    });
  }

  private JsonObject publishAll(long messages) {
    Subject s = subject();
    return using(s, () -> {
      await(s, onPublisherContext(s::open));
      CpuSnapshot before = snapshot();
      Publishers.Outcome out = await(s, Publishers.batched(publisherContext, s, payloads, messages,
          spec.batchSize(), spec.batchesInFlight()));
      JsonObject usage = before.until(snapshot());
      requireNoFailures(s, out);
      return result(messages, out.perSecond(), usage);
    });
  }

  /**
   * Publish while {@code consumers} subscriptions of one group consume: from the first publish to the moment the last
   * message reached its handler; then waits until Redis shows all acknowledged.
   */
  private JsonObject endToEnd(int consumers, long asyncDelayMs, long messages) {
    Subject s = subject();
    return using(s, () -> {
      Receiver.Tally tally = new Receiver.Tally(messages);
      await(s, onPublisherContext(s::open));
      await(s, s.consume(consumerContexts.subList(0, consumers), i -> new Receiver(tally), asyncDelayMs));
      CpuSnapshot before = snapshot();
      Publishers.Outcome out = await(s, Publishers.closedLoop(publisherContext, s, payloads, messages,
          spec.window()));
      long last = await(s, tally.last());
      JsonObject usage = before.until(snapshot());
      requireNoFailures(s, out);
      settle(s, messages);
      return result(messages, messages * 1e9 / Math.max(1, last - out.startNs()), usage);
    });
  }

  /** One subscription, publisher paced at the rate; records messages sent after the unrecorded seconds. */
  private JsonObject latency() {
    Subject s = subject();
    return using(s, () -> {
      long total = (long) spec.rate() * (spec.latencyWarmupSeconds() + spec.latencySeconds());
      Receiver.Tally tally = new Receiver.Tally(total);
      List<Receiver> receivers = new ArrayList<>();
      await(s, onPublisherContext(s::open));
      await(s, s.consume(consumerContexts.subList(0, 1), i -> add(receivers, new Receiver(tally)), -1));
      tally.recordFrom(System.nanoTime() + TimeUnit.SECONDS.toNanos(spec.latencyWarmupSeconds()));
      CpuSnapshot before = snapshot();
      Publishers.Outcome out = await(s, Publishers.paced(publisherContext, s, payloads, total, spec.rate()));
      long last = await(s, tally.last());
      JsonObject usage = before.until(snapshot());
      requireNoFailures(s, out);
      settle(s, total);
      Histogram e2e = Receiver.merged(receivers);
      JsonObject latency = new JsonObject().put("recorded", e2e.getTotalCount())
          .put("p50Ms", ms(e2e.getValueAtPercentile(50))).put("p99Ms", ms(e2e.getValueAtPercentile(99)))
          .put("p999Ms", ms(e2e.getValueAtPercentile(99.9))).put("maxMs", ms(e2e.getMaxValue()))
          .put("publishP99Ms", ms(out.publishLatency().getValueAtPercentile(99)));
      return result(total, total * 1e9 / Math.max(1, last - out.startNs()), usage).put("latency", latency);
    });
  }

  private static double ms(long ns) {
    return ns / 1e6;
  }

  private static JsonObject result(long messages, double perSecond, JsonObject usage) {
    return new JsonObject().put("messages", messages).put("perSecond", perSecond).put("usage", usage);
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
      spec.redisUris().forEach(uri -> RespClient.call(uri, "FLUSHALL"));
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
   * acknowledged. For the bus, the acked counter of its meter registry must agree too (on a cluster, and for a topic
   * of several partitions, it alone decides: the check below reads partition 0); it counts when the
   * acknowledgement's reply has come back, a little after Redis shows it.
   */
  private void settle(Subject s, long messages) {
    long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MS;
    String state = "";
    while (System.currentTimeMillis() < deadline) {
      long acked = ackedByMetrics(s);
      boolean counted = acked < 0 || acked == messages;
      if (spec.cluster() || spec.partitions() > 1) {
        state = "acked counter " + acked;
      } else {
        Map<String, Object> g = group(s);
        long read = number(g.get("entries-read"));
        long pending = number(g.get("pending"));
        // entries-added, not the run's count: the bus registers its topic with one message before the group exists
        long added = entriesAdded(s);
        state = "entries-read " + read + " of " + added + " added, pending " + pending
            + (acked < 0 ? "" : ", acked counter " + acked);
        counted = counted && read == added && added >= messages && pending == 0;
      }
      if (counted) {
        return;
      }
      sleep(5);
    }
    throw new IllegalStateException(s.name() + ": not all " + messages + " messages acknowledged after "
        + SETTLE_TIMEOUT_MS + " ms (" + state + ")");
  }

  /** entries-added of XINFO STREAM: every entry the stream ever had. */
  private long entriesAdded(Subject s) {
    Object reply = RespClient.call(spec.redisUris().get(0), "XINFO", "STREAM", s.stream());
    if (reply instanceof List<?> flat) {
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        if ("entries-added".equals(String.valueOf(flat.get(i)))) {
          return number(flat.get(i + 1));
        }
      }
    }
    return -1;
  }

  /** The subject's group in XINFO GROUPS, as name/value pairs (empty when missing). */
  private Map<String, Object> group(Subject s) {
    Object reply = RespClient.call(spec.redisUris().get(0), "XINFO", "GROUPS", s.stream());
    if (reply instanceof List<?> groups) {
      for (Object g : groups) {
        List<?> flat = (List<?>) g;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
          m.put(String.valueOf(flat.get(i)), flat.get(i + 1));
        }
        if (s.group().equals(String.valueOf(m.get("name")))) {
          return m;
        }
      }
    }
    return Map.of();
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
      return f.get(spec.runTimeoutSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(s.name() + ": the run did not finish within " + spec.runTimeoutSeconds()
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
