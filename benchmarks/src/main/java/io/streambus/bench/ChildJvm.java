package io.streambus.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one {@link Worker} in a JVM of its own: the same java binary and class path as this one, the benchmark's main
 * class in worker mode, the spec as one JSON argument. The result comes back as a JSON line on the child's stdout;
 * its stderr is passed on as progress. A child still running when this JVM exits is killed by a shutdown hook.
 */
final class ChildJvm {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "streambus-bench-child-reaper"));
  }

  private ChildJvm() {
  }

  /** The child's command line, without the spec. */
  static List<String> command(List<String> jvmArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Benchmark.class.getName());
    command.add(Benchmark.WORKER);
    return command;
  }

  /**
   * Starts the child and waits for its result, at most {@code timeoutSeconds}.
   *
   * @throws IllegalStateException when the child fails, times out (it is killed then) or says nothing
   */
  static JsonObject run(List<String> jvmArgs, WorkerSpec spec, long timeoutSeconds, PrintStream progress,
                        String label) {
    List<String> command = command(jvmArgs);
    command.add(spec.toJson().encode());
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the child JVM for " + label, e);
    }
    RUNNING.add(process);
    List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    Thread out = pump(process.getInputStream(), stdout::add, label + " stdout");
    Thread err = pump(process.getErrorStream(), line -> progress.println("    [" + label + "] " + line),
        label + " stderr");
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(label + ": the child JVM did not finish within " + timeoutSeconds
            + " s and was killed");
      }
      out.join(5_000);
      err.join(5_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      RUNNING.remove(process);
    }
    JsonObject reply = null;
    synchronized (stdout) {
      for (String line : stdout) {
        if (line.startsWith("{\"")) {
          JsonObject j = new JsonObject(line);
          if (j.containsKey("bench")) {
            reply = j;
          }
        }
      }
    }
    if (reply == null) {
      throw new IllegalStateException(label + ": the child JVM exited with " + process.exitValue()
          + " without a result");
    }
    if (!"result".equals(reply.getString("bench"))) {
      throw new IllegalStateException(label + ": " + reply.getString("message"));
    }
    return reply;
  }

  private static Thread pump(InputStream in, Consumer<String> lines, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.accept(line);
        }
      } catch (IOException e) {
        // the child is gone; what it said until then is kept
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
