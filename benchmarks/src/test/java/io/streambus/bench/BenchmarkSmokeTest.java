package io.streambus.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the benchmark command with tiny counts: every run must happen in a child JVM of its own, and every figure,
 * CPU figure and per-thread line must be printed.
 */
class BenchmarkSmokeTest {
  private static final String[] TINY = {"--messages", "2000", "--warmup-messages", "0", "--repetitions", "1",
      "--rate", "2000", "--latency-seconds", "1", "--latency-warmup", "0", "--run-timeout", "30",
      "--jvm-args", "-Xmx256m -XX:TieredStopAtLevel=1"};

  @Test
  @Timeout(300)
  void printsEveryFigureFromChildJvms() {
    Run run = run(TINY);

    assertThat(run.code).as(run.progress).isZero();
    assertThat(run.report).contains("machine:", "load average", "Redis 7.", "child JVMs:", "bus/plain",
        "publish() vs send(), msg/s", "publishAll() vs batch(), 500 x 3 in flight, msg/s",
        "end to end, 1 subscription, msg/s", "end to end, 4 subscriptions, msg/s",
        "end to end, 4 subs, async handler, msg/s", "latency p50 at 2,000 msg/s, ms", "latency p99 at 2,000 msg/s, ms",
        "JVM CPU/msg, e2e4, us", "redis-server CPU/msg, e2e4, us", "targets met:",
        "JVM CPU by thread", "vert.x-eventloop-thread-", "Redis commands per message",
        "ordering: bus end to end, 4 subscriptions on a topic of 8 partitions", "key/none", "ordering key");
    assertThat(run.report).doesNotContain("NaN", "FAILED");

    // 6 figures x 2 subjects and 2 orderings of the bus, each in a JVM of its own, none of them this one
    Set<Long> pids = new HashSet<>();
    Matcher m = Pattern.compile(" pid (\\d+) ").matcher(run.report);
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
    assertThat(pids).hasSize(14).doesNotContain(ProcessHandle.current().pid());
  }

  @Test
  @Timeout(120)
  void profilesTheBusWithJfr() {
    Run run = run("--profile", "--sections", "publish", "--profile-messages", "5000", "--warmup-messages", "0",
        "--run-timeout", "30", "--jvm-args", "-Xmx256m -XX:TieredStopAtLevel=1");

    assertThat(run.code).as(run.progress).isZero();
    assertThat(run.report).contains("JFR profile: publish bus", ".jfr", "Java execution samples");
    assertThat(run.report).doesNotContain("publish() vs send()"); // a profiled run is no figure
  }

  @Test
  @Timeout(120)
  void measuresTheBusOnACluster() {
    Run run = run("--sections", "cluster", "--cluster-partitions", "3", "--messages", "2000", "--warmup-messages",
        "0", "--repetitions", "1", "--run-timeout", "30", "--jvm-args", "-Xmx256m -XX:TieredStopAtLevel=1");

    assertThat(run.code).as(run.progress).isZero();
    assertThat(run.report).contains("cluster: bus end to end on a 3-master Redis Cluster", "3 partitions ",
        "cluster 3 partitions");
    assertThat(run.report).doesNotContain("FAILED", "no run succeeded");
  }

  @Test
  void rejectsABadCommandLine() {
    Run run = run("--messages", "many");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.progress).contains("--messages must be a number", "Usage:");
  }

  private record Run(int code, String report, String progress) {
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code = Benchmark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(progress, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), progress.toString(StandardCharsets.UTF_8));
  }
}
