package io.streambus.cli;

import io.streambus.BusOptions;
import io.streambus.StreamBus;
import io.streambus.admin.StreamEntry;
import io.streambus.testsupport.FaultProxy;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streambus verify} run in-process against a real redis-server: a clean run reports nothing lost, and entries
 * deleted from the scratch topic's streams behind its back (XDEL while the group is paused, before any consumer
 * could read them) are reported as exactly those lost, with the exit code {@link Cli#LOST}, in the normal mode and
 * in {@code --chaos}.
 */
class VerifyTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static RedisServer redis;
  private static Vertx vertx;

  record Run(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }
  }

  @BeforeAll
  static void start() {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    redis.close();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Run run(String... args) {
    return runWith(Map.of(), redis.uri(), new StringWriter(), args);
  }

  private static Run runWith(Map<String, String> env, String url, StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Cli.commandLine(new CliEnvironment(env, new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--redis-url", url, "--key-prefix", "cli"));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static String topic(TestInfo info) {
    return info.getTestMethod().orElseThrow().getName() + "-" + SEQ.incrementAndGet();
  }

  @Test
  void aCleanKeyedRunLosesNothingAndKeepsEachKeysOrder(TestInfo info) {
    String topic = topic(info);
    Run r = run("verify", "--topic", topic, "--count", "2000", "--keys", "20", "--partitions", "3", "--consumers",
        "3", "--settle", "20", "--json");
    System.out.println("verify clean keyed run: " + r.out());
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Cli.OK);
    JsonObject report = r.json();
    assertThat(report.getLong("published")).isEqualTo(2000);
    assertThat(report.getLong("confirmed")).isEqualTo(2000);
    assertThat(report.getLong("delivered")).isEqualTo(2000);
    assertThat(report.getLong("lost")).isZero();
    assertThat(report.getLong("outOfOrder")).isZero();
    assertThat(report.getLong("publishFailures")).isZero();
    assertThat(report.getJsonObject("latencyMs").getDouble("p50")).isPositive();
    assertThat(report.getJsonObject("latencyMs").getDouble("max"))
        .isGreaterThanOrEqualTo(report.getJsonObject("latencyMs").getDouble("p99"));
    assertThat(added(topic)).isEqualTo(2000);
  }

  @Test
  void theTableSaysWhatWasPublishedDeliveredAndLostAndAFullTopicIsRefused(TestInfo info) {
    String topic = topic(info);
    Run r = run("verify", "--topic", topic, "--count", "300", "--rate", "1000", "--consumers", "1");
    System.out.println("verify table:\n" + r.out());
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Cli.OK);
    assertThat(r.out()).contains("PUBLISHED", "CONFIRMED", "DELIVERED", "LOST", "DUPLICATED", "P50", "P99",
        "ok: nothing lost");
    assertThat(r.out().lines().filter(l -> l.matches("300\\s+300\\s+0\\s+300\\s+0\\s+0\\s+-")).count()).isOne();
    assertThat(r.err()).contains("verify: topic " + topic);

    Run again = run("verify", "--topic", topic, "--count", "10");
    assertThat(again.code()).isEqualTo(Cli.USAGE);
    assertThat(again.err()).contains("--topic " + topic + " has 300 entries already");
    Run bad = run("verify", "--count", "0");
    assertThat(bad.code()).isEqualTo(Cli.USAGE);
    assertThat(bad.err()).contains("--count must be 1..2000000, was 0");
  }

  @Test
  void entriesDeletedBehindItsBackAreReportedLost(TestInfo info) throws Exception {
    String topic = topic(info);
    List<String> args = List.of("verify", "--topic", topic, "--group", "victim", "--count", "2000", "--partitions",
        "2", "--consumers", "2", "--settle", "8", "--json");
    Run r = deleteBehindItsBack(topic, 2, 2000, args);
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Cli.LOST);
  }

  @Test
  void chaosModeReportsAsItGoesAndStillFindsTheDeletedEntries(TestInfo info) throws Exception {
    String topic = topic(info);
    List<String> args = List.of("verify", "--chaos", "--topic", topic, "--group", "victim", "--rate", "500",
        "--duration", "3", "--report-every", "1", "--partitions", "2", "--consumers", "2", "--settle", "8",
        "--json");
    Run r = deleteBehindItsBack(topic, 2, 1500, args);
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Cli.LOST);
    assertThat(r.err().lines().filter(l -> l.matches("verify:\\s+\\d+s\\s+published \\d+ .*")).count())
        .isGreaterThanOrEqualTo(2);
    assertThat(r.json().getBoolean("chaos")).isTrue();
  }

  @Test
  void chaosModeRetriesPublishesThatFailWhileRedisIsUnreachableAndLosesNothing(TestInfo info) throws Exception {
    String topic = topic(info);
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port())) {
      StringWriter err = new StringWriter();
      CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> runWith(
          Map.of("BUS_PUBLISH_TIMEOUT_MS", "500"), proxy.uri(), err, "verify", "--chaos", "--topic", topic,
          "--rate", "200", "--duration", "4", "--report-every", "1", "--settle", "10", "--json"));
      Poll.until(Duration.ofSeconds(30), () -> stored(topic, 2) >= 100 || running.isDone(),
          () -> "stored " + stored(topic, 2));
      proxy.refuse(true);
      try {
        // Redis out of reach until the verifier has counted failed publishes in a progress line
        Poll.until(Duration.ofSeconds(30), () -> err.toString().lines()
            .anyMatch(l -> l.matches(".*failed-publishes [1-9]\\d*.*")) || running.isDone(), err::toString);
      } finally {
        proxy.refuse(false);
      }
      Run r = running.get(120, TimeUnit.SECONDS);
      System.out.println("verify --chaos with Redis refused for a while: " + r.out());
      assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Cli.OK);
      JsonObject report = r.json();
      assertThat(report.getLong("publishFailures")).isPositive();
      assertThat(report.getLong("confirmed")).isEqualTo(800);
      assertThat(report.getLong("delivered")).isEqualTo(800);
      assertThat(report.getLong("lost")).isZero();
      // retried with the same idempotency key: each stored once (counted as added: the bus trims what is acknowledged)
      assertThat(added(topic)).isEqualTo(800);
    }
  }

  /**
   * Pauses group "victim" before the verifier starts (its members join paused, so nothing is read), waits until
   * all {@code count} messages are stored, deletes every 97th entry of each partition, checks that the group had
   * read none of them, resumes the group, and checks that the verifier reports exactly those as lost.
   */
  private Run deleteBehindItsBack(String topic, int partitions, int count, List<String> args) throws Exception {
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("cli")
        .setTopicPartitions(Map.of(topic, partitions)));
    try {
      await(bus.admin().pauseGroup(topic, "victim"));
      for (int p = 0; p < partitions; p++) {
        assertThat(redis.command("EXISTS", "cli:{" + topic + ":" + p + "}:paused:victim")).isEqualTo("1");
      }
      CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run(args.toArray(String[]::new)));
      Poll.until(Duration.ofSeconds(60), () -> stored(topic, partitions) == count || running.isDone(),
          () -> "stored " + stored(topic, partitions) + " of " + count);
      assertThat(running).as("the verifier ended before everything was stored").isNotDone();
      TreeSet<Integer> deleted = new TreeSet<>();
      List<String> deletedIds = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        String stream = "cli:{" + topic + ":" + p + "}";
        List<StreamEntry> entries = new ArrayList<>();
        String after = null;
        while (true) {
          List<StreamEntry> page = await(bus.admin().read(topic, p, after, 1000));
          if (page.isEmpty()) {
            break;
          }
          entries.addAll(page);
          after = page.get(page.size() - 1).id();
        }
        for (int i = 5; i < entries.size(); i += 97) {
          StreamEntry e = entries.get(i);
          assertThat(redis.command("XDEL", stream, e.id())).isEqualTo("1");
          deleted.add(Integer.parseInt(e.fields().get("h:verify-seq").toString()));
          deletedIds.add(p + "/" + e.id());
        }
        // nothing of the group's reading reached a deleted entry: they were never delivered
        String groups = redis.command("XINFO", "GROUPS", stream);
        String lastDelivered = lastDeliveredId(groups);
        assertThat(lastDelivered).as(groups).isEqualTo("0-0");
      }
      await(bus.admin().resumeGroup(topic, "victim"));
      Run r = running.get(120, TimeUnit.SECONDS);
      System.out.println("verify with " + deleted.size() + " entries deleted behind its back: " + r.out());
      JsonObject report = r.json();
      assertThat(report.getLong("confirmed")).isEqualTo(count);
      assertThat(report.getLong("lost")).isEqualTo(deleted.size());
      assertThat(report.getJsonArray("lostSeqs").stream().map(o -> ((Number) o).intValue()).toList())
          .as("deleted entries " + deletedIds).containsExactlyElementsOf(deleted);
      assertThat(report.getLong("delivered")).isEqualTo(count - deleted.size());
      assertThat(report.getLong("duplicated")).isZero();
      assertThat(report.getString("verdict")).startsWith("LOST: " + deleted.size() + " confirmed messages");
      return r;
    } finally {
      await(bus.close());
    }
  }

  /** Entries ever added to the topic's partitions (XLEN falls as the bus trims what every group acknowledged). */
  private static long added(String topic) {
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("cli"));
    try {
      return await(bus.admin().topic(topic)).partitions().stream().mapToLong(p -> p.entriesAdded()).sum();
    } finally {
      await(bus.close());
    }
  }

  private static long stored(String topic, int partitions) {
    long n = 0;
    for (int p = 0; p < partitions; p++) {
      n += Long.parseLong(redis.command("XLEN", "cli:{" + topic + ":" + p + "}"));
    }
    return n;
  }

  /** The last-delivered-id of the one group in an XINFO GROUPS reply rendered as lines (name, value, ...). */
  private static String lastDeliveredId(String reply) {
    List<String> lines = reply.lines().toList();
    int i = lines.indexOf("last-delivered-id");
    assertThat(i).as(reply).isNotNegative();
    return lines.get(i + 1);
  }
}
