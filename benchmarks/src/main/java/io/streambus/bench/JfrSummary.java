package io.streambus.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The top frames of a recording's Java execution samples ({@code jdk.ExecutionSample}), read with the
 * {@code jdk.jfr.consumer} API: by thread; self time (the sampled top frame); top of stack by package; for the
 * bus's own code, the nearest bus frame (the bus method whose work, its callees' included, the sample was) and
 * inclusive time; and by flow (the outermost io.streambus frame: publishing, a read's reply, an ack's reply...). {@code jfr print --events jdk.ExecutionSample <file>} shows the full stacks.
 */
final class JfrSummary {
  /** The bus's code; the harness (io.streambus.bench) is not part of it. */
  private static final String BUS = "io.streambus.";
  private static final String HARNESS = "io.streambus.bench.";

  private final Map<String, Long> threads = new HashMap<>();
  private final Map<String, Long> self = new HashMap<>();
  private final Map<String, Long> packages = new HashMap<>();
  private final Map<String, Long> nearestBus = new HashMap<>();
  private final Map<String, Long> inclusiveBus = new HashMap<>();
  private final Map<String, Long> entries = new HashMap<>();
  private long samples;

  /** The execution samples taken from {@code fromEpochNs} to {@code toEpochNs}: the measured run's. */
  static JfrSummary read(Path file, long fromEpochNs, long toEpochNs) {
    JfrSummary s = new JfrSummary();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        long at = CpuSnapshot.epochNs(e.getStartTime());
        if (e.getEventType().getName().equals("jdk.ExecutionSample") && at >= fromEpochNs && at <= toEpochNs) {
          s.add(e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
    return s;
  }

  private void add(RecordedEvent e) {
    RecordedStackTrace stack = e.getStackTrace();
    if (stack == null || stack.getFrames().isEmpty()) {
      return;
    }
    samples++;
    RecordedThread thread = e.getThread("sampledThread");
    threads.merge(thread == null ? "?" : CpuSnapshot.group(String.valueOf(thread.getJavaName())), 1L, Long::sum);
    List<RecordedFrame> frames = stack.getFrames();
    RecordedMethod top = frames.get(0).getMethod();
    self.merge(name(top), 1L, Long::sum);
    packages.merge(packageOf(top), 1L, Long::sum);
    String nearest = "(no bus frame: the client, Netty, Vert.x or the harness alone)";
    Set<String> seen = new HashSet<>();
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      // a lambda's generated class only forwards to the lambda$... method, which is named after its enclosing method
      if (type.startsWith(BUS) && !type.startsWith(HARNESS) && !type.contains("$$Lambda")) {
        String n = name(f.getMethod());
        if (seen.isEmpty()) {
          nearest = n;
        }
        if (seen.add(n)) {
          inclusiveBus.merge(n, 1L, Long::sum);
        }
      }
    }
    nearestBus.merge(nearest, 1L, Long::sum);
    String entry = "(no io.streambus frame: Netty, Vert.x or the client alone)";
    for (int i = frames.size() - 1; i >= 0; i--) {
      RecordedMethod m = frames.get(i).getMethod();
      if (m.getType().getName().startsWith(BUS) && !m.getType().getName().contains("$$Lambda")) {
        entry = name(m);
        break;
      }
    }
    entries.merge(entry, 1L, Long::sum);
  }

  private static String name(RecordedMethod m) {
    String type = typeOf(m);
    return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName() + "  [" + packageOf(m) + "]";
  }

  private static String packageOf(RecordedMethod m) {
    String type = typeOf(m);
    int dot = type.lastIndexOf('.');
    return dot < 0 ? "(default)" : type.substring(0, dot);
  }

  /** The class name, a lambda's generated class cut to "Outer$$Lambda" (its suffix differs from run to run). */
  private static String typeOf(RecordedMethod m) {
    String type = m.getType().getName();
    int lambda = type.indexOf("$$Lambda");
    return lambda < 0 ? type : type.substring(0, lambda + 8);
  }

  void print(PrintStream out, int top) {
    out.printf(Locale.ROOT, "  %,d Java execution samples in the measured run (every %d ms per thread running Java code)%n", samples,
        Worker.SAMPLE_PERIOD_MS);
    if (samples == 0) {
      return;
    }
    table(out, "by thread", threads, top);
    table(out, "self time: top frame", self, top);
    table(out, "top of stack by package", packages, top);
    table(out, "nearest bus frame (bus work, its callees in the client, Netty and the JDK included)", nearestBus, top);
    table(out, "inclusive, bus methods (a sample counts for every bus method on its stack)", inclusiveBus, top);
    table(out, "by flow: the outermost io.streambus frame (harness included), i.e. what the event loop was doing",
        entries, top);
  }

  private void table(PrintStream out, String title, Map<String, Long> counts, int top) {
    out.println("  " + title + ":");
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
  }
}
