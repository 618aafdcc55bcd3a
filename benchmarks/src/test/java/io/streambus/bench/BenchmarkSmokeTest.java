package io.streambus.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the benchmark command with tiny counts: it must finish and print every figure. */
class BenchmarkSmokeTest {

  @Test
  void printsEveryFigureForBusAndPlain() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    int code = Benchmark.run(new String[] {"--messages", "2000", "--warmup-messages", "0", "--rounds", "1",
        "--rate", "2000", "--latency-seconds", "1", "--latency-warmup", "0", "--run-timeout", "30"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(progress, true, StandardCharsets.UTF_8));

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(progress.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(report).contains("machine:", "redis-server 7.", "bus/plain",
        "publish, msg/s", "end-to-end, 1 subscription, msg/s", "end-to-end, 4 subscriptions in 1 group, msg/s",
        "end-to-end latency p50 at 2,000 msg/s", "end-to-end latency p99 at 2,000 msg/s", "targets met:");
    assertThat(report).doesNotContain("NaN");
  }

  @Test
  void rejectsABadCommandLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Benchmark.run(new String[] {"--messages", "many"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--messages must be a number", "Usage:");
  }
}
