package io.streambus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM's side: warms up, measures one run of one section for one subject, and prints the result as one JSON
 * line on stdout (progress goes to stderr). It shares nothing with the other subject's runs: not the JIT's profile,
 * not the heap, not the event loops.
 */
final class Worker {
  /** JFR's Java sampling period: the "profile" settings' 10 ms gives too few samples in a run of a few seconds. */
  static final long SAMPLE_PERIOD_MS = 5;

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
      JsonArray warmup = warmUp(spec, runs, progress);
      String loadBefore = Machine.loadAverage();
      Recording jfr = spec.jfrFile() == null ? null : startRecording();
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
   * Records the measured run only (not the JVM's start nor the warm-up, which would outweigh it): the JDK's "profile"
   * settings, Java stacks sampled every {@value #SAMPLE_PERIOD_MS} ms per thread.
   */
  private static Recording startRecording() throws IOException {
    try {
      Recording r = new Recording(Configuration.getConfiguration("profile"));
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(SAMPLE_PERIOD_MS));
      r.setToDisk(true);
      r.start();
      return r;
    } catch (ParseException e) {
      throw new IOException("the JDK's profile settings: " + e.getMessage(), e);
    }
  }
}
