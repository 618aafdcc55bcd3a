package io.streambus.dashboard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.Message;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.app.AppRunner;
import io.streambus.testsupport.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.streambus.dashboard.DashboardTestBase.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard jar's application, configured as an operator configures it (through {@link AppRunner}, the
 * connection in {@code BUS_*} settings), on the managed-Redis profile's cluster: TLS only, 3 masters with a replica
 * each, barred commands renamed away, and users holding only docs/security.md's rules. A topic on 6 partitions (so
 * over every master): the JSON API's topic, partition and group figures are what each partition's master says, and
 * dead letters on several masters are listed, replayed one and in bulk, and deleted; a read-only user's dashboard
 * reads the same figures. No node's {@code ACL LOG} holds a refusal at the end.
 */
@Tag("cluster")
@Tag("managed")
class ManagedClusterDashboardTest {
  private static final String PREFIX = "mdash";
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 6;
  private static final String TOKEN = "managed-operator-token";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static ManagedCluster managed;
  private static Vertx vertx;
  private static StreamBus bus;
  private final List<AppRunner.Prepared> dashboards = new ArrayList<>();
  private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();

  @BeforeAll
  static void startCluster() {
    managed = ManagedCluster.start(PREFIX);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    try {
      if (bus != null) {
        await(bus.close());
      }
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      if (managed != null) {
        managed.assertNothingRefused();
      }
    } finally {
      if (managed != null) {
        managed.close();
      }
    }
  }

  @Test
  void topicFiguresAndDeadLetterActionsWorkWithEveryPartitionOnItsOwnMaster() {
    try {
      bus = StreamBus.create(vertx, managed.appOptions().setPartitions(PARTITIONS)
          .setTrimPolicy(BusOptions.TrimPolicy.NONE), new SimpleMeterRegistry());
      ConsumerOptions fast = new ConsumerOptions().setBlockMs(100);
      await(bus.subscribe(TOPIC, "reporting", m -> Future.succeededFuture(), fast).compose(s -> s.close()));
      await(bus.subscribe(TOPIC, "billing", this::bill, fast));
      Map<String, Integer> poisonPartition = new HashMap<>();
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        sent.add(bus.publish(OutgoingMessage.text(TOPIC, "order-" + i).key("customer-" + i)));
      }
      for (int i = 0; i < 6; i++) {
        String text = "poison-" + i;
        sent.add(bus.publish(OutgoingMessage.text(TOPIC, text).key("poison-key-" + i))
            .onSuccess(id -> poisonPartition.put(text, id.partition())));
      }
      await(Future.all(sent));

      String operator = startDashboard(ManagedCluster.OPERATOR_USER, TOKEN);
      JsonObject topic = awaitJson(operator, "/api/topics/" + TOPIC, t -> t.getLong("length", 0L) == 66
          && t.getLong("deadLetters", 0L) == 6 && group(t, "billing").getLong("lag", -1L) == 0
          && group(t, "billing").getLong("pending", -1L) == 0, "66 entries, billing caught up, 6 dead letters");
      assertFiguresAreTheMasters(topic);
      assertThat(group(topic, "reporting").getLong("lag")).as("a group that never read").isEqualTo(66);
      for (String path : List.of("/", "/api/config", "/api/topics", "/api/history?topic=" + TOPIC)) {
        assertThat(send(operator, "GET", path, null).statusCode()).as(path).isEqualTo(200);
      }
      assertThat(getJson(operator, "/api/topics").getString("error")).as("the sampler's error").isNull();

      JsonArray letters = getJson(operator, "/api/topics/" + TOPIC + "/deadletters?limit=100").getJsonArray("items");
      assertThat(letters).hasSize(6);
      Set<Integer> masters = new HashSet<>();
      letters.forEach(o -> masters.add(masterPort(((JsonObject) o).getInteger("partition"))));
      assertThat(masters).as("dead letters on several masters").hasSizeGreaterThan(1);

      // one replayed, one deleted, the other four replayed in bulk: each action on its own partition's master
      JsonObject first = (JsonObject) letters.getValue(0);
      int firstPartition = first.getInteger("partition");
      long dlqBefore = dlqLength(firstPartition);
      HttpResponse<String> replayed = send(operator, "POST", "/api/topics/" + TOPIC + "/deadletters/"
          + first.getString("ref") + "/replay", TOKEN);
      assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
      assertThat(dlqLength(firstPartition)).isEqualTo(dlqBefore - 1);
      String firstText = first.getString("payload");
      Poll.until(Duration.ofSeconds(15), () -> deliveries.getOrDefault(firstText, 0) == 2,
          () -> "billing receives the replayed " + firstText);

      JsonObject second = (JsonObject) letters.getValue(1);
      HttpResponse<String> deleted = send(operator, "DELETE", "/api/topics/" + TOPIC + "/deadletters/"
          + second.getString("ref"), TOKEN);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);

      HttpResponse<String> all = send(operator, "POST", "/api/topics/" + TOPIC + "/deadletters/replay?group=billing",
          TOKEN);
      assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
      assertThat(new JsonObject(all.body()).getInteger("replayed")).isEqualTo(4);
      Poll.until(Duration.ofSeconds(15), () -> poisonPartition.keySet().stream()
              .filter(t -> !t.equals(second.getString("payload"))).allMatch(t -> deliveries.getOrDefault(t, 0) == 2),
          () -> "billing receives every replayed dead letter: " + deliveries);
      assertThat(deliveries.get(second.getString("payload"))).as("the deleted one is not replayed").isEqualTo(1);
      JsonObject after = awaitJson(operator, "/api/topics/" + TOPIC, t -> t.getLong("deadLetters", -1L) == 0
          && t.getLong("length", 0L) == 71 && group(t, "billing").getLong("lag", -1L) == 0
          && group(t, "billing").getLong("pending", -1L) == 0, "no dead letters, the 5 replays consumed");
      assertFiguresAreTheMasters(after);

      // the read-only role: the same figures; its dashboard has no token, so the actions are refused by the page
      String reader = startDashboard(ManagedCluster.DASHBOARD_USER, null);
      JsonObject read = awaitJson(reader, "/api/topics/" + TOPIC, t -> t.getLong("length", 0L) == 71, "71 entries");
      assertFiguresAreTheMasters(read);
      assertThat(getJson(reader, "/api/topics/" + TOPIC + "/deadletters").getJsonArray("items")).isEmpty();
      assertThat(send(reader, "DELETE", "/api/topics/" + TOPIC + "/deadletters", TOKEN).statusCode())
          .isEqualTo(403);
    } finally {
      dashboards.forEach(p -> {
        await(p.application().stop());
        await(p.vertx().close());
      });
    }
  }

  /** Billing takes everything but a poison message's first delivery. */
  private Future<Void> bill(Message m) {
    int n = deliveries.merge(m.text(), 1, Integer::sum);
    return m.text().startsWith("poison") && n == 1
        ? Future.failedFuture(new BusException.NonRetryable("declined: " + m.text())) : Future.succeededFuture();
  }

  /**
   * Starts the dashboard application as its jar does, as {@code user}, with the connection an operator sets: two
   * cluster seeds, the topology, the CA; the token under its older name. Returns its base URL.
   */
  private String startDashboard(String user, String token) {
    Map<String, String> env = new HashMap<>(Map.of("BUS_REDIS_URL", managed.redisUrl(user),
        "BUS_REDIS_TOPOLOGY", "cluster", "BUS_TLS_CA_PEM", managed.caFile(), "BUS_KEY_PREFIX", PREFIX,
        "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0", "BUS_DASHBOARD_SAMPLE_MS", "200"));
    if (token != null) {
      env.put("DASHBOARD_TOKEN", token);
    }
    AppRunner.Prepared p = AppRunner.prepare(List.of(), env, Map.of(), DashboardConfig.ALIASES, DashboardApp::new);
    dashboards.add(p);
    await(p.application().start());
    return "http://127.0.0.1:" + ((DashboardApp) p.application()).httpPort();
  }

  /**
   * Every partition's length, dead letters and group figures in the API equal what its master says, and the
   * partitions are spread over more than one master.
   */
  private void assertFiguresAreTheMasters(JsonObject topic) {
    assertThat(topic.getInteger("partitionCount")).isEqualTo(PARTITIONS);
    JsonArray partitions = topic.getJsonArray("partitions");
    assertThat(partitions).hasSize(PARTITIONS);
    Set<Integer> masters = new HashSet<>();
    long length = 0;
    for (Object o : partitions) {
      JsonObject p = (JsonObject) o;
      int partition = p.getInteger("partition");
      String stream = stream(partition);
      assertThat(p.getString("stream")).isEqualTo(stream);
      masters.add(masterPort(partition));
      long xlen = Long.parseLong(managed.on(stream, "XLEN", stream));
      assertThat(p.getLong("length")).as(stream).isEqualTo(xlen);
      assertThat(p.getLong("deadLetters")).as(stream + " dead letters").isEqualTo(dlqLength(partition));
      JsonObject reporting = group(p, "reporting");
      assertThat(reporting.getLong("lag")).as(stream + " reporting lag").isEqualTo(xlen);
      Object pending = ((List<?>) managed.cluster().nodeForSlotOwner(stream).commandRaw("XPENDING", stream,
          "billing")).get(0);
      assertThat(group(p, "billing").getLong("pending")).as(stream + " billing pending").isEqualTo(pending);
      length += xlen;
    }
    assertThat(topic.getLong("length")).isEqualTo(length);
    assertThat(masters).as("the partitions' masters").hasSize(3);
  }

  private static String stream(int partition) {
    return PREFIX + ":{" + TOPIC + ":" + partition + "}";
  }

  private static long dlqLength(int partition) {
    String dlq = stream(partition) + ":dlq";
    return Long.parseLong(managed.on(dlq, "XLEN", dlq));
  }

  private static int masterPort(int partition) {
    return managed.cluster().nodeForSlotOwner(stream(partition)).port();
  }

  private static JsonObject group(JsonObject topicOrPartition, String name) {
    return topicOrPartition.getJsonArray("groups").stream().map(JsonObject.class::cast)
        .filter(g -> name.equals(g.getString("name"))).findFirst()
        .orElse(new JsonObject());
  }

  private static JsonObject awaitJson(String base, String path, Predicate<JsonObject> accept, String what) {
    return Poll.until(Duration.ofSeconds(30), () -> getJson(base, path), accept, what);
  }

  private static JsonObject getJson(String base, String path) {
    HttpResponse<String> r = send(base, "GET", path, null);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> send(String base, String method, String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("X-Bus-Token", token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** docs/security.md gives the roles the rules this test holds them to. */
  @Test
  void securityDocGivesTheRulesTheseUsersHave() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "security.md"));
    assertThat(doc).contains("ACL SETUSER dashboard on >… ~bus:* resetchannels " + ManagedCluster.CONNECT + " "
        + ManagedCluster.DASHBOARD + "\n");
    assertThat(doc).contains("ACL SETUSER operator  on >… ~bus:* resetchannels " + ManagedCluster.CONNECT + " "
        + ManagedCluster.DASHBOARD + " " + ManagedCluster.OPERATOR + "\n");
  }
}
