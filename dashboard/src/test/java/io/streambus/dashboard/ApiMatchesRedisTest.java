package io.streambus.dashboard;

import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.testsupport.Poll;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.streambus.dashboard.RedisReplies.asLong;
import static io.streambus.dashboard.RedisReplies.idTime;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's figures equal what XINFO STREAM / GROUPS / CONSUMERS, XPENDING and XLEN say on the same Redis, with the
 * bus frozen: a topic on two partitions, a group that keeps up, one that lags, one that dead-letters, and one with
 * pending entries held by two consumers.
 */
class ApiMatchesRedisTest extends DashboardTestBase {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 2;

  private final List<Subscription> subscriptions = new ArrayList<>();
  private RedisReplies replies;
  private StreamBus bus;

  @Test
  void apiFiguresEqualWhatRedisSays() {
    replies = new RedisReplies(redis);
    bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, PARTITIONS)).setTrimPolicy(BusOptions.TrimPolicy.NONE));
    startDashboard(new DashboardOptions().setSampleIntervalMs(200).setTrendSamples(3));
    buildScene();
    subscriptions.forEach(Subscription::pause);
    awaitQuiet();

    Map<String, Object> before = redisState();
    JsonObject topic = awaitFreshTopic();
    assertThat(redisState()).as("Redis did not change while the dashboard sampled").isEqualTo(before);

    for (int p = 0; p < PARTITIONS; p++) {
      assertPartition(topic.getJsonArray("partitions").getJsonObject(p), topic.getLong("sampledAt"), p);
    }
    assertTopicSums(topic);
    assertThat(topic.getLong("deadLetters")).isEqualTo(3);
    assertThat(group(topic, "lagging").getLong("lag")).isEqualTo(25);
    assertThat(group(topic, "stuck").getLong("pending")).isEqualTo(7);
    assertStates();
  }

  private void buildScene() {
    ConsumerOptions options = new ConsumerOptions().setBlockMs(100).setReclaimIntervalMs(100);
    subscribe("all", m -> Future.succeededFuture(), options);
    subscribe("lagging", m -> Future.succeededFuture(), options);
    subscribe("picky", m -> m.text().contains("poison")
        ? Future.failedFuture(new BusException.NonRetryable("refused: " + m.text())) : Future.succeededFuture(),
        options);
    publish(40, 3);
    awaitCaughtUp(Set.of("all", "lagging", "picky"));
    subscriptions.get(1).pause();
    awaitIdle("lagging");
    publish(25, 0);
    awaitCaughtUp(Set.of("all", "picky"));
    // A group no subscription serves, whose two consumers read entries and never acknowledge them.
    String stream0 = stream(TOPIC, 0);
    redis.command("XGROUP", "CREATE", stream0, "stuck", "0");
    redis.command("XREADGROUP", "GROUP", "stuck", "worker-1", "COUNT", "4", "STREAMS", stream0, ">");
    redis.command("XREADGROUP", "GROUP", "stuck", "worker-2", "COUNT", "3", "STREAMS", stream0, ">");
  }

  private void subscribe(String group, io.streambus.MessageHandler handler, ConsumerOptions options) {
    subscriptions.add(await(bus.subscribe(TOPIC, group, handler, options)));
  }

  private void publish(int count, int poison) {
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(bus.publish(TOPIC, new JsonObject().put("n", i).put("kind", i < poison ? "poison" : "fine")));
    }
    await(Future.all(all));
  }

  /** Every partition of every named group has read everything and acknowledged it. */
  private void awaitCaughtUp(Set<String> groups) {
    Poll.until(Duration.ofSeconds(20), () -> {
      for (int p = 0; p < PARTITIONS; p++) {
        for (Map<String, Object> g : replies.groups(stream(TOPIC, p))) {
          if (groups.contains(g.get("name")) && (asLong(g.get("lag")) != 0 || asLong(g.get("pending")) != 0)) {
            return false;
          }
        }
      }
      return true;
    }, () -> "groups " + groups + " caught up");
  }

  /** The group's paused reader has no blocking read left that could still deliver. */
  private void awaitIdle(String group) {
    Poll.until(Duration.ofSeconds(10), () -> {
      for (int p = 0; p < PARTITIONS; p++) {
        for (Map<String, Object> c : replies.consumers(stream(TOPIC, p), group)) {
          if (asLong(c.get("idle")) < 500) {
            return false;
          }
        }
      }
      return true;
    }, () -> group + " idle");
  }

  private void awaitQuiet() {
    subscriptions.forEach(s -> awaitIdle(s.group()));
  }

  /** Everything the comparison reads, except the consumers' idle times, which grow by themselves. */
  private Map<String, Object> redisState() {
    Map<String, Object> state = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      String stream = stream(TOPIC, p);
      state.put("stream" + p, replies.streamInfo(stream).toString());
      state.put("groups" + p, replies.groups(stream).toString());
      state.put("dlq" + p, replies.xlen(stream + ":dlq"));
    }
    return state;
  }

  private JsonObject awaitFreshTopic() {
    long after = System.currentTimeMillis();
    return awaitJson("/api/topics/" + TOPIC, j -> j.getLong("sampledAt") > after, "a sample of the frozen bus");
  }

  private void assertPartition(JsonObject api, long sampledAt, int p) {
    String stream = stream(TOPIC, p);
    Map<String, Object> info = replies.streamInfo(stream);
    assertThat(api.getString("stream")).isEqualTo(stream);
    assertThat(api.getLong("length")).isEqualTo(asLong(info.get("length")));
    assertThat(api.getLong("entriesAdded")).isEqualTo(asLong(info.get("entries-added")));
    assertThat(api.getString("lastId")).isEqualTo(info.get("last-generated-id"));
    assertThat(api.getString("firstId")).isEqualTo(RedisReplies.list(info.get("first-entry")).get(0));
    assertThat(api.getLong("deadLetters")).isEqualTo(replies.xlen(stream + ":dlq"));

    List<Map<String, Object>> groups = replies.groups(stream);
    JsonArray apiGroups = api.getJsonArray("groups");
    assertThat(apiGroups.size()).isEqualTo(groups.size());
    for (Map<String, Object> g : groups) {
      assertGroup(byName(apiGroups, (String) g.get("name")), g, stream, sampledAt);
    }
  }

  private void assertGroup(JsonObject api, Map<String, Object> redisGroup, String stream, long sampledAt) {
    String name = (String) redisGroup.get("name");
    String lastDelivered = (String) redisGroup.get("last-delivered-id");
    long lag = redisGroup.get("lag") == null ? replies.countAfter(stream, lastDelivered) : asLong(redisGroup.get("lag"));
    assertThat(api.getLong("pending")).as(name + " pending").isEqualTo(asLong(redisGroup.get("pending")));
    assertThat(api.getLong("lag")).as(name + " lag").isEqualTo(lag);
    assertThat(api.getLong("entriesRead")).as(name + " entries-read").isEqualTo(asLong(redisGroup.get("entries-read")));
    assertThat(api.getString("lastDeliveredId")).as(name + " last-delivered-id").isEqualTo(lastDelivered);

    List<Object> summary = replies.pendingSummary(stream, name);
    assertThat(api.getLong("pending")).as(name + " XPENDING count").isEqualTo(asLong(summary.get(0)));
    long oldestPendingAge = summary.get(1) == null ? 0 : sampledAt - idTime((String) summary.get(1));
    assertThat(api.getLong("oldestPendingAgeMs")).as(name + " oldest pending age").isEqualTo(oldestPendingAge);
    String undelivered = replies.firstAfter(stream, lastDelivered);
    assertThat(api.getLong("oldestUndeliveredAgeMs")).as(name + " lag in time")
        .isEqualTo(undelivered == null ? 0 : sampledAt - idTime(undelivered));
    assertConsumers(api.getJsonArray("consumers"), stream, name, summary, sampledAt);
  }

  private void assertConsumers(JsonArray api, String stream, String group, List<Object> summary, long sampledAt) {
    Map<String, Long> pendingByConsumer = new HashMap<>();
    RedisReplies.list(summary.get(3)).forEach(c -> {
      List<Object> pair = RedisReplies.list(c);
      pendingByConsumer.put(String.valueOf(pair.get(0)), asLong(pair.get(1)));
    });
    List<Map<String, Object>> consumers = replies.consumers(stream, group);
    long readAt = System.currentTimeMillis();
    assertThat(api.size()).as(group + " consumers").isEqualTo(consumers.size());
    for (Map<String, Object> c : consumers) {
      String name = (String) c.get("name");
      JsonObject a = byName(api, name);
      assertThat(a.getLong("pending")).as(name + " pending").isEqualTo(asLong(c.get("pending")))
          .isEqualTo(pendingByConsumer.getOrDefault(name, 0L));
      // Idle grows by itself: the API's value is Redis's now minus the time since the sample, give or take the
      // duration of one sampling round trip.
      long idleNow = asLong(c.get("idle"));
      assertThat(a.getLong("idleMs")).as(name + " idle").isBetween(idleNow - (readAt - sampledAt) - 100, idleNow);
    }
  }

  private void assertTopicSums(JsonObject topic) {
    long length = 0;
    long deadLetters = 0;
    Map<String, Long> lag = new HashMap<>();
    Map<String, Long> pending = new HashMap<>();
    Map<String, Set<String>> consumers = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      String stream = stream(TOPIC, p);
      length += replies.xlen(stream);
      deadLetters += replies.xlen(stream + ":dlq");
      for (Map<String, Object> g : replies.groups(stream)) {
        String name = (String) g.get("name");
        lag.merge(name, asLong(g.get("lag")), Long::sum);
        pending.merge(name, asLong(g.get("pending")), Long::sum);
        replies.consumers(stream, name).forEach(c -> consumers.computeIfAbsent(name, n -> new HashSet<>())
            .add((String) c.get("name")));
      }
    }
    assertThat(topic.getLong("length")).isEqualTo(length);
    assertThat(topic.getLong("deadLetters")).isEqualTo(deadLetters);
    assertThat(topic.getInteger("partitionCount")).isEqualTo(PARTITIONS);
    JsonArray groups = topic.getJsonArray("groups");
    assertThat(groups.size()).isEqualTo(lag.size());
    lag.forEach((name, expected) -> {
      JsonObject g = byName(groups, name);
      assertThat(g.getLong("lag")).as(name + " lag over partitions").isEqualTo(expected);
      assertThat(g.getLong("pending")).as(name + " pending over partitions").isEqualTo(pending.get(name));
      Set<String> names = new HashSet<>();
      g.getJsonArray("consumers").forEach(c -> names.add(((JsonObject) c).getString("name")));
      assertThat(names).as(name + " consumers").isEqualTo(consumers.getOrDefault(name, Set.of()));
    });
    JsonObject overview = byTopic(getJson("/api/topics").getJsonArray("topics"), TOPIC);
    assertThat(overview.getLong("length")).isEqualTo(length);
  }

  private void assertStates() {
    JsonObject topic = awaitJson("/api/topics/" + TOPIC,
        j -> "STALLED".equals(group(j, "lagging").getString("state"))
            && "STALLED".equals(group(j, "stuck").getString("state")), "the lagging and stuck groups judged stalled");
    assertThat(group(topic, "all").getString("state")).isEqualTo("IDLE");
    assertThat(group(topic, "all").getDouble("deliveredRate")).isZero();
  }

  private static JsonObject group(JsonObject topic, String name) {
    return byName(topic.getJsonArray("groups"), name);
  }

  private static JsonObject byName(JsonArray array, String name) {
    return array.stream().map(JsonObject.class::cast).filter(o -> name.equals(o.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + name + "' in " + array.encode()));
  }

  private static JsonObject byTopic(JsonArray array, String topic) {
    return array.stream().map(JsonObject.class::cast).filter(o -> topic.equals(o.getString("topic"))).findFirst()
        .orElseThrow(() -> new AssertionError("no topic '" + topic + "' in " + array.encode()));
  }
}
