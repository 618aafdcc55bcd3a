package io.streambus.consumers;

import io.streambus.BusOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.Topics;
import io.streambus.app.ConfigException;
import io.streambus.app.Settings;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The consumers application in-process against a real redis-server. */
class ConsumersAppTest {
  private static RedisServer redis;
  private static Vertx vertx;
  private static StreamBus publisher;

  @BeforeAll
  static void start() {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
    publisher = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("test"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(publisher.close());
    vertx.close();
    redis.close();
  }

  private static Map<String, Object> settings(String topic, String handler) {
    Map<String, Object> s = new HashMap<>();
    s.put("BUS_REDIS_URL", redis.uri());
    s.put("BUS_KEY_PREFIX", "test");
    s.put("BUS_HTTP_HOST", "127.0.0.1");
    s.put("BUS_HTTP_PORT", "0");
    s.put("BUS_TOPICS", topic);
    s.put("BUS_GROUP", "g");
    s.put("BUS_HANDLER", handler);
    s.put("BUS_BLOCK_MS", "200");
    s.put("BUS_BACKOFF_INITIAL_MS", "20");
    s.put("BUS_BACKOFF_MAX_MS", "50");
    return s;
  }

  @Test
  void handlerRegisteredOnlyOnTheTestClassPathIsFoundByName() throws Exception {
    assertThat(HandlerRegistry.load().names()).contains("http", "log", "simulate", "test-recording");
    Map<String, Object> s = settings("spi", "test-recording");
    s.put("BUS_TEST_LABEL", "spi");
    ConsumersApp app = new ConsumersApp(vertx, Settings.of(s));
    await(app.start());
    try {
      await(publisher.publish("spi", "hello"));
      Poll.until(Duration.ofSeconds(10), () -> TestHandlerFactory.SEEN.getOrDefault("spi", java.util.Set.of()).contains("hello"),
          () -> "the test handler saw the message");
    } finally {
      await(app.stop());
    }
  }

  @Test
  void unknownHandlerNamesTheSettingAndTheChoices() {
    assertThatThrownBy(() -> new ConsumersApp(vertx, Settings.of(settings("x", "nope"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BUS_HANDLER: no handler named 'nope'; available: http, log, simulate");
  }

  @Test
  void badConsumerSettingsNameTheSetting() {
    Map<String, Object> s = settings("x", "log");
    s.put("BUS_BACKOFF_MAX_MS", "1");
    s.put("BUS_BACKOFF_INITIAL_MS", "10");
    assertThatThrownBy(() -> new ConsumersApp(vertx, Settings.of(s))).hasMessageStartingWith("BUS_BACKOFF_MAX_MS");
    Map<String, Object> noTopics = settings("x", "log");
    noTopics.remove("BUS_TOPICS");
    assertThatThrownBy(() -> new ConsumersApp(vertx, Settings.of(noTopics))).hasMessageStartingWith("BUS_TOPICS");
    Map<String, Object> http = settings("x", "http");
    http.put("BUS_HTTP_TARGET_URL", "ftp://x");
    assertThatThrownBy(() -> new ConsumersApp(vertx, Settings.of(http)))
        .hasMessageStartingWith("BUS_HTTP_TARGET_URL must be an http:// or https:// URL");
    Map<String, Object> drain = settings("x", "log");
    drain.put("BUS_DRAIN_TIMEOUT_MS", "5000");
    drain.put("BUS_SHUTDOWN_TIMEOUT_MS", "5000");
    assertThatThrownBy(() -> new ConsumersApp(vertx, Settings.of(drain)))
        .hasMessageStartingWith("BUS_DRAIN_TIMEOUT_MS must be less than BUS_SHUTDOWN_TIMEOUT_MS");
  }

  @Test
  void httpHandlerAcksRetriesAndDeadLettersByStatus() throws Exception {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    HttpServer receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String kind = new JsonObject(body).getString("kind");
      int n = attempts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
      int status = switch (kind) {
        case "bad" -> 422;
        case "flaky" -> n == 1 ? 503 : 200;
        default -> 200;
      };
      req.response().setStatusCode(status).end();
    })).listen(0, "127.0.0.1"));
    Map<String, Object> s = settings("fwd", "http");
    s.put("BUS_HTTP_TARGET_URL", "http://127.0.0.1:" + receiver.actualPort() + "/in");
    ConsumersApp app = new ConsumersApp(vertx, Settings.of(s));
    await(app.start());
    try {
      for (String kind : new String[] {"ok", "bad", "flaky"}) {
        await(publisher.publish("fwd", new JsonObject().put("kind", kind)));
      }
      Poll.until(Duration.ofSeconds(15), () -> "1".equals(redis.command("XLEN", "test:{fwd:0}:dlq"))
          && attempts.getOrDefault("flaky", new AtomicInteger()).get() == 2
          && redis.command("XPENDING", "test:{fwd:0}", "g").startsWith("0"),
          () -> "ok acked, bad dead-lettered, flaky acked after a retry: " + attempts);
      assertThat(attempts.get("bad").get()).as("a 4xx is not retried").isEqualTo(1);
      assertThat(attempts.get("ok").get()).isEqualTo(1);
      assertThat(redis.command("XRANGE", "test:{fwd:0}:dlq", "-", "+")).contains("HTTP 422");
    } finally {
      await(app.stop());
      receiver.close();
    }
  }

  /**
   * The built-in projection: the sum of a JSON field per message key, and the count, exactly once, where a reader
   * finds them from the key (its partition, the public key layout); a payload without the number is dead-lettered.
   */
  @Test
  void sumByKeyProjectsTheSumOfAFieldPerKeyIntoRedis() throws Exception {
    String topic = "sums";
    int partitions = 3;
    StreamBus threePartitions = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri())
        .setKeyPrefix("test").setPartitions(partitions));
    Map<String, Object> s = settings(topic, "sum-by-key");
    s.put("BUS_PARTITIONS", Integer.toString(partitions));
    s.put("BUS_SUM_FIELD", "cents");
    s.put("BUS_SUM_MODEL", "revenue-v1");
    ConsumersApp app = new ConsumersApp(vertx, Settings.of(s));
    await(app.start());
    try {
      Map<String, Long> sums = new HashMap<>();
      List<OutgoingMessage> events = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String key = "customer-" + (i % 7);
        long cents = i * 37L % 1000;
        sums.merge(key, cents, Long::sum);
        events.add(OutgoingMessage.json(topic, new JsonObject().put("cents", cents)).key(key));
      }
      events.add(OutgoingMessage.json(topic, new JsonObject().put("euros", 1)).key("customer-0"));
      await(threePartitions.publishAll(events));
      Poll.until(Duration.ofSeconds(20), () -> counted(topic, partitions) == 300
          && "1".equals(redis.command("XLEN", "test:{" + topic + ":" + Topics.partitionOf("customer-0",
          partitions) + "}:dlq")), () -> "300 counted, one dead-lettered: " + counted(topic, partitions));
      sums.forEach((key, sum) -> {
        String model = Topics.modelKey("test", topic, Topics.partitionOf(key, partitions),
            "revenue-v1");
        assertThat(redis.command("HGET", model, key)).as(key).isEqualTo(Long.toString(sum));
        assertThat(redis.command("HGET", model + ":count", key)).as(key).isEqualTo(Integer.toString(300 / 7
            + (Integer.parseInt(key.substring(9)) < 300 % 7 ? 1 : 0)));
      });
      assertThat(redis.command("XRANGE", "test:{" + topic + ":" + Topics.partitionOf("customer-0",
          partitions) + "}:dlq", "-", "+")).contains("has no number in field 'cents'");
    } finally {
      await(app.stop());
      await(threePartitions.close());
    }
  }

  private static long counted(String topic, int partitions) {
    long total = 0;
    for (int p = 0; p < partitions; p++) {
      String values = redis.command("HVALS", Topics.modelKey("test", topic, p, "revenue-v1:count"));
      for (String v : values.isEmpty() ? new String[0] : values.split("\n")) {
        total += Long.parseLong(v);
      }
    }
    return total;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
