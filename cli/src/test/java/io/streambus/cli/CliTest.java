package io.streambus.cli;

import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.RetryOptions;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line run in-process ({@code CommandLine.execute}) against a real redis-server: each command's output
 * for people and for scripts, and its exit code.
 */
class CliTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static RedisServer redis;
  private static Vertx vertx;
  private StreamBus bus;
  private String topic;

  record Run(int code, String out, String err) {
    JsonObject json() {
      return new JsonObject(out);
    }

    JsonArray jsonArray() {
      return new JsonArray(out);
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

  @BeforeEach
  void setUp(TestInfo info) {
    topic = info.getTestMethod().orElseThrow().getName() + "-" + SEQ.incrementAndGet();
    bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("cli"));
  }

  @AfterEach
  void tearDown() {
    await(bus.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Run run(String... args) {
    return runWithInput("", args);
  }

  private Run runWithInput(String stdin, String... args) {
    return runWith(Map.of(), stdin, new StringWriter(), args);
  }

  private Run runWith(Map<String, String> env, String stdin, StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine(new CliEnvironment(env,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (all.size() > 0 && !all.contains("--help") && !all.contains("--redis-url")) {
      all.addAll(List.of("--redis-url", redis.uri(), "--key-prefix", "cli"));
    }
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private String stream(int p) {
    return "cli:{" + topic + ":" + p + "}";
  }

  @Test
  void topicsListsWhatTheBusKnowsAsATableAndAsJson() {
    await(bus.publish(topic, "one"));
    await(bus.publish(topic, "two"));
    Run table = run("topics");
    assertThat(table.code()).isZero();
    assertThat(table.out()).contains("TOPIC", "PARTITIONS", "ENTRIES");
    assertThat(table.out().lines().filter(l -> l.startsWith(topic + " ")).findFirst().orElseThrow())
        .matches(topic + "\\s+1\\s+2\\s+-\\s+0\\s+0");
    Run json = run("topics", "--json");
    assertThat(json.code()).isZero();
    JsonObject mine = json.jsonArray().stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("topic").equals(topic)).findFirst().orElseThrow();
    assertThat(mine.getLong("length")).isEqualTo(2);
    assertThat(mine.getInteger("partitions")).isEqualTo(1);
  }

  @Test
  void groupPauseAndResumeSwitchTheGroupAndGroupsShowsIt() {
    await(bus.publish(topic, "one"));
    await(bus.subscribe(topic, "billing", m -> Future.succeededFuture(), new ConsumerOptions().setBlockMs(200)));
    Run paused = run("group", "pause", topic, "billing");
    assertThat(paused.code()).isZero();
    assertThat(paused.out()).contains("group 'billing' of '" + topic + "' paused");
    assertThat(await(bus.admin().topic(topic)).groups().get(0).paused()).isTrue();
    assertThat(run("groups", topic).out()).containsPattern("billing\\s+paused\\s+");
    assertThat(run("groups", topic, "--json").jsonArray().getJsonObject(0).getBoolean("paused")).isTrue();
    Run resumed = run("group", "resume", topic, "billing", "--json");
    assertThat(resumed.code()).isZero();
    assertThat(new JsonObject(resumed.out()).getBoolean("paused")).isFalse();
    assertThat(run("groups", topic).out()).containsPattern("billing\\s+running\\s+");
    assertThat(run("group", "pause", "no-such-topic", "billing").code()).isEqualTo(Cli.NOT_FOUND);
  }

  @Test
  void groupsShowLagPendingAndConsumers() {
    await(bus.subscribe(topic, "holding", m -> Promise.<Void>promise().future(),
        new ConsumerOptions().setMaxInFlight(2).setConsumerName("holder").setBlockMs(200)
            .setHandlerTimeoutMs(600_000).setCloseTimeoutMs(100)));
    for (int i = 0; i < 5; i++) {
      await(bus.publish(topic, "m" + i));
    }
    Poll.until(Duration.ofSeconds(10), () -> redis.command("XPENDING", stream(0), "holding").startsWith("2"),
        () -> "two pending");
    Run table = run("groups", topic);
    assertThat(table.code()).isZero();
    String row = table.out().lines().filter(l -> l.startsWith("holding ")).findFirst().orElseThrow();
    assertThat(row.split("\\s+")).startsWith("holding", "running", "3");
    assertThat(row.split("\\s+")[4]).isEqualTo("2");
    assertThat(table.out()).containsPattern("holding\\s+holder\\s+2\\s+");
    Run json = run("groups", topic, "--json");
    JsonObject g = json.jsonArray().getJsonObject(0);
    assertThat(g.getString("name")).isEqualTo("holding");
    assertThat(g.getLong("lag")).isEqualTo(3);
    assertThat(g.getLong("pending")).isEqualTo(2);
    assertThat(g.getJsonArray("consumers").getJsonObject(0).getString("name")).isEqualTo("holder");

    Run perPartition = run("groups", topic, "--partitions");
    assertThat(perPartition.out()).containsPattern("0\\s+holding\\s+3\\s+\\S+\\s+2\\s+\\d+-\\d+");
    assertThat(run("groups", topic, "--partitions", "--json").jsonArray().getJsonObject(0).getInteger("partition"))
        .isZero();

    Run unknown = run("groups", "no-such-topic");
    assertThat(unknown.code()).isEqualTo(Cli.NOT_FOUND);
    assertThat(unknown.err()).contains("no topic 'no-such-topic'");
  }

  @Test
  void publishFromArgumentsAndStandardInputThenShowAnEntry() {
    Run published = run("publish", topic, "{\"order\":42}", "--content-type", "json", "--key", "customer-42",
        "--header", "source=cli");
    assertThat(published.code()).as(published.err()).isZero();
    String ref = published.out().trim();
    assertThat(ref).matches("0/\\d+-\\d+");

    Run shown = run("show", topic, ref);
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains("key           customer-42", "header        source=cli",
        "content-type  application/json", "\"order\" : 42");
    Run bare = run("show", topic, ref.substring(2), "--json");
    assertThat(bare.json().getString("payload")).isEqualTo("{\"order\":42}");
    assertThat(bare.json().getJsonObject("headers").getString("source")).isEqualTo("cli");

    Run lines = runWithInput("first\n\nsecond\n", "publish", topic, "--json");
    assertThat(lines.code()).isZero();
    assertThat(lines.jsonArray()).hasSize(2);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("3");

    Run once = run("publish", topic, "fix", "--idempotency-key", "k-1");
    Run again = run("publish", topic, "fix", "--idempotency-key", "k-1");
    assertThat(again.out()).startsWith(once.out().trim()).contains("duplicate");
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("4");

    Run badJson = run("publish", topic, "{nope", "--content-type", "json");
    assertThat(badJson.code()).isEqualTo(Cli.USAGE);
    assertThat(badJson.err()).contains("payload 1 is not valid JSON");
    assertThat(run("publish", topic, "a", "b", "--idempotency-key", "k").code()).isEqualTo(Cli.USAGE);
    Run missing = run("show", topic, "0/1-0");
    assertThat(missing.code()).isEqualTo(Cli.NOT_FOUND);
    assertThat(run("show", topic, "yesterday").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void publishFollowsThePartitionCountRedisRecordsForTheTopic() {
    await(bus.close());
    bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("cli")
        .setPartitions(4));
    await(bus.publish(topic, "the producers' bus fixes 4 partitions"));
    // the command line runs with the default of one partition
    Run published = run("publish", topic, "a", "b", "c", "d", "e", "f", "g", "h", "--json");
    assertThat(published.code()).as(published.err()).isZero();
    assertThat(published.jsonArray().stream().map(o -> ((JsonObject) o).getInteger("partition")).distinct())
        .hasSizeGreaterThan(1).allMatch(p -> p >= 0 && p < 4);
    assertThat(redis.command("HGET", "cli:topics", topic)).isEqualTo("4");
  }

  @Test
  void showPrintsBinaryPayloadsAsHexAndEscapesControlCharacters() {
    MessageId bin = await(bus.publish(OutgoingMessage.bytes(topic, io.vertx.core.buffer.Buffer.buffer(
        new byte[] {(byte) 0xff, 0x00, 0x41}))));
    MessageId text = await(bus.publish(OutgoingMessage.text(topic, "bell\u0007 and \u001b[31mred")));
    assertThat(run("show", topic, "0/" + bin.value()).out()).contains("00000000  ff 00 41", "..A");
    String shown = run("show", topic, "0/" + text.value()).out();
    assertThat(shown).contains("bell\\u0007 and \\u001b[31mred").doesNotContain("\u001b");
  }

  @Test
  void showAsksForThePartitionWhenTwoHoldTheSameEntryId() {
    // entries written by another tool, as the registry of a two-partition topic records it
    redis.command("HSET", "cli:topics", topic, "2");
    redis.command("XADD", stream(0), "5-0", "payload", "zero");
    redis.command("XADD", stream(1), "5-0", "payload", "one");
    Run bare = run("show", topic, "5-0");
    assertThat(bare.code()).isEqualTo(Cli.USAGE);
    assertThat(bare.err()).contains("entry id 5-0 is in partitions 0, 1", "name one, as <partition>/5-0");
    assertThat(run("show", topic, "1/5-0").out()).contains("entry         1/5-0", "one");
    assertThat(run("show", topic, "5-0", "--partition", "0").out()).contains("zero");
  }

  @Test
  void tailReadsWithoutAGroupFiltersAndFollowsNewEntries() throws Exception {
    await(bus.close());
    bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("cli")
        .setPartitions(3));
    for (int i = 0; i < 6; i++) {
      await(bus.publish(OutgoingMessage.text(topic, "p" + i).key("k" + (i % 2)).header("n", "" + i)));
    }
    Run all = run("tail", topic, "--from", "beginning", "--no-follow");
    assertThat(all.code()).isZero();
    assertThat(all.out().lines()).hasSize(6);
    Run byKey = run("tail", topic, "--from", "beginning", "--no-follow", "--key", "k1", "--json");
    List<String> odd = byKey.out().lines().map(l -> new JsonObject(l).getString("payload")).toList();
    assertThat(odd).containsExactlyInAnyOrder("p1", "p3", "p5");
    Run byHeader = run("tail", topic, "--from", "beginning", "--no-follow", "--header", "n=4");
    assertThat(byHeader.out().lines()).singleElement().asString().contains("key=k0", "p4");
    assertThat(run("tail", topic, "--from", "beginning", "--limit", "2").out().lines()).hasSize(2);
    for (int p = 0; p < 3; p++) {
      if (redis.command("EXISTS", stream(p)).equals("1")) {
        assertThat(redis.command("XINFO", "GROUPS", stream(p))).isEmpty();
      }
    }

    // from the end: only what comes after the tail reached it
    StringWriter live = new StringWriter();
    CompletableFuture<Run> following = CompletableFuture.supplyAsync(() -> runWith(Map.of(), "", live, "tail",
        topic, "--limit", "2", "--poll-ms", "20", "--json"));
    await(bus.publish(OutgoingMessage.text(topic, "marker").key("k0")));
    // the marker may have been published before the tail looked at the end; publish until the tail shows one
    Poll.until(Duration.ofSeconds(10), () -> {
      if (!live.toString().contains("\"payload\":\"marker")) {
        await(bus.publish(OutgoingMessage.text(topic, "marker").key("k0")));
        return false;
      }
      return true;
    }, () -> "the tail shows a marker: " + live);
    await(bus.publish(OutgoingMessage.text(topic, "after").key("k1")));
    Run followed = following.get(20, TimeUnit.SECONDS);
    assertThat(followed.code()).isZero();
    List<String> payloads = followed.out().lines().map(l -> new JsonObject(l).getString("payload")).toList();
    assertThat(payloads).hasSize(2).allMatch(p -> p.equals("marker") || p.equals("after"));
    assertThat(payloads).doesNotContain("p0", "p1", "p2", "p3", "p4", "p5");

    Instant before = Instant.now().minusSeconds(3600);
    Run fromTime = run("tail", topic, "--from", before.toString(), "--no-follow");
    assertThat(fromTime.out().lines().count()).isGreaterThanOrEqualTo(8);
    Run fromFuture = run("tail", topic, "--from", Instant.now().plusSeconds(3600).toString(), "--no-follow");
    assertThat(fromFuture.out()).isEmpty();
    assertThat(run("tail", topic, "--from", "yesterday").code()).isEqualTo(Cli.USAGE);
    assertThat(run("tail", topic, "--partition", "7").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void deadLettersAreListedSearchedReplayedAndPurged() {
    Subscription failing = await(bus.subscribe(topic, "billing",
        m -> Future.failedFuture(new BusException.NonRetryable("cannot bill " + m.payload())),
        new ConsumerOptions().setBlockMs(200).setRetry(new RetryOptions().setInitialBackoffMs(20))));
    for (int i = 0; i < 3; i++) {
      await(bus.publish(OutgoingMessage.text(topic, "order-" + i).key("c" + i)));
    }
    Poll.until(Duration.ofSeconds(10), () -> await(bus.deadLetters(topic).count()) == 3, () -> "3 dead letters");
    await(failing.close());

    Run list = run("dlq", "list", topic);
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("REF", "billing", "cannot bill", "total 3");
    Run json = run("dlq", "list", topic, "--json");
    assertThat(json.json().getJsonArray("items")).hasSize(3);
    String ref = json.json().getJsonArray("items").getJsonObject(0).getString("ref");

    Run search = run("dlq", "search", topic, "--key", "c2", "--json");
    assertThat(search.json().getJsonArray("items")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("payload")).isEqualTo("order-2"));

    Run shown = run("dlq", "show", topic, ref);
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains("dead letter   " + ref, "group         billing", "cannot bill", "order-");
    assertThat(run("dlq", "show", topic, ref, "--json").json().getString("group")).isEqualTo("billing");
    assertThat(run("dlq", "show", topic, "0/1-0").code()).isEqualTo(Cli.NOT_FOUND);

    Run replay = run("dlq", "replay", topic, ref);
    assertThat(replay.code()).isZero();
    assertThat(replay.out()).contains(ref + " replayed as 0/");
    assertThat(await(bus.deadLetters(topic).count())).isEqualTo(2);
    assertThat(run("dlq", "replay", topic, "0/1-0").code()).isEqualTo(Cli.NOT_FOUND);

    Run declined = runWithInput("n\n", "dlq", "replay-all", topic);
    assertThat(declined.code()).isEqualTo(Cli.REFUSED);
    assertThat(declined.err()).contains("Replay the dead letters", "not confirmed");
    assertThat(await(bus.deadLetters(topic).count())).isEqualTo(2);
    Run replayAll = run("dlq", "replay-all", topic, "--group", "billing", "--yes", "--json");
    assertThat(replayAll.code()).isZero();
    assertThat(replayAll.json().getLong("replayed")).isEqualTo(2);
    assertThat(await(bus.deadLetters(topic).count())).isZero();

    await(bus.publish(OutgoingMessage.text(topic, "x")));
    Subscription again = await(bus.subscribe(topic, "billing",
        m -> Future.failedFuture(new BusException.NonRetryable("still failing")),
        new ConsumerOptions().setBlockMs(200)));
    Poll.until(Duration.ofSeconds(10), () -> await(bus.deadLetters(topic).count()) == 4, () -> "4 dead letters");
    await(again.close());
    assertThat(runWithInput("", "dlq", "purge", topic).code()).isEqualTo(Cli.REFUSED);
    Run purge = run("dlq", "purge", topic, "--yes");
    assertThat(purge.code()).isZero();
    assertThat(purge.out()).contains("deleted 4 dead letters");
    assertThat(await(bus.deadLetters(topic).count())).isZero();
  }

  private String lastDelivered(String group) {
    List<String> lines = List.of(redis.command("XINFO", "GROUPS", stream(0)).split("\n"));
    return lines.get(lines.indexOf("last-delivered-id") + 1);
  }

  @Test
  void groupResetPreviewsAsksAndRefusesWhileMembersAreLive() {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(await(bus.publish(topic, "m" + i)));
    }
    redis.command("XGROUP", "CREATE", stream(0), "g", "$");
    String end = lastDelivered("g");

    Run dry = run("group", "reset", topic, "g", "--to", "earliest", "--dry-run");
    assertThat(dry.code()).isZero();
    assertThat(dry.out()).contains("Preview: reset group 'g'", "would deliver again 6",
        "0 pending entries stay pending");
    assertThat(lastDelivered("g")).isEqualTo(end);

    Run declined = runWithInput("no\n", "group", "reset", topic, "g", "--to", "earliest");
    assertThat(declined.code()).isEqualTo(Cli.REFUSED);
    assertThat(lastDelivered("g")).isEqualTo(end);

    Run confirmed = runWithInput("y\n", "group", "reset", topic, "g", "--to", ids.get(2).value());
    assertThat(confirmed.code()).as(confirmed.err()).isZero();
    assertThat(confirmed.out()).contains("will deliver again 3");
    assertThat(lastDelivered("g")).isEqualTo(ids.get(2).value());

    Run json = run("group", "reset", topic, "g", "--to", "latest", "--yes", "--json");
    assertThat(json.code()).isZero();
    assertThat(json.json().getBoolean("applied")).isTrue();
    assertThat(json.json().getLong("skipped")).isEqualTo(3);
    assertThat(lastDelivered("g")).isEqualTo(ids.get(5).value());

    Subscription live = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        new ConsumerOptions().setConsumerName("worker-7").setBlockMs(200)));
    Run refused = run("group", "reset", topic, "g", "--to", "-1h", "--yes");
    assertThat(refused.code()).isEqualTo(Cli.REFUSED);
    assertThat(refused.err()).contains("live members worker-7", "--force");
    assertThat(lastDelivered("g")).isEqualTo(ids.get(5).value());
    Run forced = run("group", "reset", topic, "g", "--to", "-1h", "--yes", "--force");
    assertThat(forced.code()).isZero();
    assertThat(forced.out()).contains("worker-7");
    await(live.close());

    assertThat(run("group", "reset", topic, "nobody", "--to", "earliest", "--yes").code())
        .isEqualTo(Cli.NOT_FOUND);
    Run bad = run("group", "reset", topic, "g", "--to", "last tuesday");
    assertThat(bad.code()).isEqualTo(Cli.USAGE);
    assertThat(bad.err()).contains("--to must be earliest, latest");
  }

  @Test
  void everyCommandExplainsItselfWithAnExample() {
    for (String[] command : List.of(new String[] {"topics"}, new String[] {"groups"}, new String[] {"show"},
        new String[] {"tail"}, new String[] {"publish"}, new String[] {"dlq"}, new String[] {"dlq", "list"},
        new String[] {"dlq", "search"}, new String[] {"dlq", "show"}, new String[] {"dlq", "replay"}, new String[] {"dlq", "replay-all"},
        new String[] {"dlq", "purge"}, new String[] {"group"}, new String[] {"group", "reset"})) {
      List<String> args = new ArrayList<>(List.of(command));
      args.add("--help");
      Run help = run(args.toArray(String[]::new));
      assertThat(help.code()).as(String.join(" ", command)).isZero();
      assertThat(help.out()).as(String.join(" ", command)).contains("Example", "streambus " + command[0]);
    }
    Run top = run("--help");
    assertThat(top.out()).contains("topics", "groups", "tail", "show", "publish", "dlq", "group", "Exit codes");
    assertThat(run("frobnicate").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void anUnreachableRedisFailsWithExitCodeOneAndABadSettingWithTwo() {
    int port = Ports.free();
    Run down = runWith(Map.of("BUS_PUBLISH_TIMEOUT_MS", "500"), "", new StringWriter(), "topics", "--redis-url",
        "redis://127.0.0.1:" + port);
    assertThat(down.code()).isEqualTo(Cli.FAILED);
    assertThat(down.err()).startsWith("streambus: ");
    Run badSetting = runWith(Map.of("BUS_PARTITIONS", "zero"), "", new StringWriter(), "topics", "--redis-url",
        redis.uri());
    assertThat(badSetting.code()).isEqualTo(Cli.USAGE);
    assertThat(badSetting.err()).contains("BUS_PARTITIONS");
  }
}
