package io.streambus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM's side: warms up, measures one run of one section for one subject, and prints the result as one JSON
 * line on stdout (progress goes to stderr). It shares nothing with the other subject's runs: not the JIT's profile,
 * not the heap, not the event loops.
 */
final class Worker {
  /** JFR's Java sampling period: its "profile" settings' 10 ms gives too few samples in a run of a few seconds. */
  static final long SAMPLE_PERIOD_MS = 1;

  private Worker() {
  }

  /** Runs the spec; prints {@code {"bench":"result",...}} or {@code {"bench":"error",...}}; the process exit code. */
  static int run(String specJson, PrintStream out, PrintStream progress) {
    WorkerSpec spec;
    try {
      spec = WorkerSpec.fromJson(new JsonObject(specJson));
    } catch (RuntimeException e) {
      out.println(new JsonObject().put("bench", "error").put("message", "bad worker spec: " + e).encode());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Runs runs = new Runs(vertx, spec);
      Recording jfr = spec.jfrFile() == null ? null : startRecording();
      JsonArray warmup = warmUp(spec, runs, progress);
      String loadBefore = Machine.loadAverage();
      JsonObject result = runs.run(spec.messages());
      if (jfr != null) {
        jfr.stop();
        jfr.dump(Path.of(spec.jfrFile()));
        jfr.close();
        result.put("jfrFile", spec.jfrFile());
      }
      out.println(result.put("bench", "result").put("pid", ProcessHandle.current().pid())
          .put("warmupJitMs", warmup).put("loadBefore", loadBefore).put("loadAfter", Machine.loadAverage())
          .put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
          .encode());
      return 0;
    } catch (RuntimeException | IOException e) {
      e.printStackTrace(progress);
      out.println(new JsonObject().put("bench", "error").put("message", String.valueOf(e)).encode());
      return 1;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        progress.println("worker: closing Vert.x: " + e);
      }
    }
  }

  /**
   * Warm-up passes of the measured section until the JIT compilers use less than the settled CPU time in one, or the
   * most passes: compiling takes one of the two cores from the run it happens in, so a measured run must find the JIT
   * settled.
   */
  private static JsonArray warmUp(WorkerSpec spec, Runs runs, PrintStream progress) {
    JsonArray passes = new JsonArray();
    if (spec.warmupMessages() == 0) {
      return passes;
    }
    for (int pass = 0; pass < spec.maxWarmupPasses(); pass++) {
      long jit = CpuSnapshot.jitCpuMs();
      runs.warmUp(spec.warmupMessages());
      long spent = CpuSnapshot.jitCpuMs() - jit;
      passes.add(spent);
      if (spent < spec.settledJitMs()) {
        break;
      }
    }
    progress.println("warm-up: JIT compiler CPU ms per pass " + passes.encode());
    return passes;
  }

  /**
   * Java stacks sampled every {@value #SAMPLE_PERIOD_MS} ms per thread, and GC pauses; nothing else. Started before
   * the warm-up: started after it, the measured run threw away compiled code and recompiled (3 s of JIT CPU in it,
   * against 0.1 s this way; starting JFR retransforms the JDK classes its I/O events instrument, which the hot paths
   * inline), and was sampled half interpreted. The summary keeps the measured run's samples only (the run's
   * {@code usage.fromEpochNs} to {@code toEpochNs}).
   */
  private static Recording startRecording() {
    Recording r = new Recording();
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(SAMPLE_PERIOD_MS));
    r.enable("jdk.GarbageCollection");
    r.setToDisk(true);
    r.start();
    return r;
  }
}
