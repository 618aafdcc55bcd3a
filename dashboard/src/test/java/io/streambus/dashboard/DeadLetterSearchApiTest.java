package io.streambus.dashboard;

import io.streambus.BusException;
import io.streambus.ConsumerOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.testsupport.Poll;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Searching dead letters and replaying them in bulk through the JSON API. */
class DeadLetterSearchApiTest extends DashboardTestBase {
  private static final String TOKEN = "search-0123456789";
  private static final String TOPIC = "orders";
  private static final String DEAD = "/api/topics/" + TOPIC + "/deadletters";

  private final AtomicBoolean broken = new AtomicBoolean(true);
  private final AtomicInteger billingCalls = new AtomicInteger();
  private final List<MessageId> ids = new ArrayList<>();

  /**
   * Groups billing and shipping dead-letter every message while {@code broken} is set: six messages on two
   * partitions (key customer-(i % 3), header source web for even i, app for odd) make twelve dead letters.
   */
  private void scene() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 2)));
    ConsumerOptions options = new ConsumerOptions().setBlockMs(100);
    await(bus.subscribe(TOPIC, "billing", m -> {
      billingCalls.incrementAndGet();
      return outcome();
    }, options));
    await(bus.subscribe(TOPIC, "shipping", m -> outcome(), options));
    for (int i = 0; i < 6; i++) {
      ids.add(await(bus.publish(OutgoingMessage.json(TOPIC, new JsonObject().put("i", i)).key("customer-" + i % 3)
          .header("source", i % 2 == 0 ? "web" : "app"))));
    }
  }

  private Future<Void> outcome() {
    return broken.get() ? Future.failedFuture(new BusException.NonRetryable("declined")) : Future.succeededFuture();
  }

  private void awaitDeadLetters(long n) {
    awaitJson("/api/topics/" + TOPIC, j -> j.getLong("deadLetters") == n, n + " dead letters sampled");
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Every page of a search, followed cursor by cursor. */
  private List<JsonObject> search(String query, int limit) {
    List<JsonObject> items = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = getJson(DEAD + "?limit=" + limit + query + (cursor == null ? "" : "&cursor=" + q(cursor)));
      page.getJsonArray("items").forEach(o -> items.add((JsonObject) o));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return items;
  }

  @Test
  void searchByKeyHeaderMessageIdAndGroup() {
    scene();
    startDashboard(new DashboardOptions());
    awaitDeadLetters(12);

    List<JsonObject> byKey = search("&key=customer-1", 50);
    assertThat(byKey).hasSize(4).allSatisfy(d -> assertThat(d.getString("key")).isEqualTo("customer-1"));
    assertThat(search("&key=customer-1", 1)).as("the same, a page at a time").isEqualTo(byKey);
    assertThat(search("&key=customer-1&group=billing", 50)).hasSize(2)
        .allSatisfy(d -> assertThat(d.getString("group")).isEqualTo("billing"));
    assertThat(search("&header=" + q("source:web"), 50)).hasSize(6)
        .allSatisfy(d -> assertThat(d.getJsonObject("headers").getString("source")).isEqualTo("web"));
    // i = 4 is the only even customer-1
    assertThat(search("&header=" + q("source:web") + "&key=customer-1", 50)).hasSize(2);
    MessageId three = ids.get(3);
    assertThat(search("&id=" + q(three.toString()), 50)).hasSize(2)
        .allSatisfy(d -> assertThat(d.getString("originalId")).isEqualTo(three.value()))
        .allSatisfy(d -> assertThat(d.getInteger("partition")).isEqualTo(three.partition()));
    assertThat(search("&id=" + q(three.partition() + "/" + three.value()), 50)).hasSize(2);
    assertThat(search("&id=" + three.value(), 50)).as("a bare entry id, in every partition")
        .allSatisfy(d -> assertThat(d.getString("originalId")).isEqualTo(three.value()))
        .filteredOn(d -> d.getInteger("partition") == three.partition()).hasSize(2);
    assertThat(search("&key=nobody", 50)).isEmpty();
  }

  @Test
  void badSearchAndReplayParametersAre400NamingTheParameter() {
    scene();
    startDashboard(new DashboardOptions().setMutationToken(TOKEN));
    awaitDeadLetters(12);

    assertBad("GET", DEAD + "?id=abc", "id", "id must be <topic>/<partition>/<entry id>, <partition>/<entry id> or "
        + "an entry id like 1700000000000-0, was 'abc'");
    assertBad("GET", DEAD + "?id=" + q("payments/0/1-0"), "id", "id names topic 'payments', not 'orders'");
    assertBad("POST", DEAD + "/replay?id=" + q("5/1-0"), "id", "id names partition 5, but topic 'orders' has 2");
    assertBad("GET", DEAD + "?header=nocolon", "header", "header must be name:value, was 'nocolon'");
    assertBad("GET", DEAD + "?header=" + q(":v"), "header", "header must be name:value, was ':v'");
    assertBad("GET", DEAD + "?group=", "group", "group must be 1-200 of [A-Za-z0-9._-], was ''");
    assertBad("GET", DEAD + "?group=" + q("a:b"), "group", "group must be 1-200 of [A-Za-z0-9._-], was 'a:b'");
    assertBad("GET", DEAD + "?key=", "key", "key must not be empty");
    assertBad("GET", DEAD + "?key=a&key=b", "key", "key may be given once, was given 2 times");
    assertBad("GET", DEAD + "?key=" + "k".repeat(1001), "key", "key must be at most 1000 characters, was 1001");
    assertBad("GET", DEAD + "?grop=billing", "grop",
        "unknown parameter 'grop'; accepted: cursor, group, header, id, key, limit");
    assertBad("GET", DEAD + "?key=customer-1&cursor=garbage", "cursor", null);
    assertBad("POST", DEAD + "/replay?grop=billing", "grop", null);
    assertBad("POST", DEAD + "/replay?limit=0", "limit", "limit must be an integer in 1..10000, was '0'");
    assertBad("POST", DEAD + "/replay?limit=10001", "limit", null);
    assertBad("POST", DEAD + "/replay?cursor=0/1-0", "cursor", null);
    assertThat(getJson("/api/topics/" + TOPIC).getLong("deadLetters")).as("nothing replayed").isEqualTo(12);
    assertThat(billingCalls.get()).isEqualTo(6);
  }

  private void assertBad(String method, String path, String parameter, String message) {
    HttpResponse<String> r = send(method, path, TOKEN);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(400);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("parameter")).as(method + " " + path).isEqualTo(parameter);
    if (message != null) {
      assertThat(body.getString("error")).isEqualTo(message);
    }
  }

  @Test
  void replayAllNeedsTheTokenAndReplaysOnlyTheGroupAskedFor() {
    scene();
    startDashboard(new DashboardOptions());
    awaitDeadLetters(12);
    assertThat(send("POST", DEAD + "/replay?group=billing", "anything").statusCode()).as("mutations disabled")
        .isEqualTo(403);
    undeployDashboard();
    startDashboard(new DashboardOptions().setMutationToken(TOKEN));
    assertThat(send("POST", DEAD + "/replay?group=billing", null).statusCode()).isEqualTo(401);
    assertThat(send("POST", DEAD + "/replay?group=billing", TOKEN + "x").statusCode()).isEqualTo(403);
    assertThat(get(DEAD + "/replay").statusCode()).as("GET is no replay").isEqualTo(404);
    assertThat(billingCalls.get()).isEqualTo(6);
    broken.set(false);

    JsonObject first = replay("?group=billing&limit=4");
    assertThat(first.getLong("replayed")).isEqualTo(4);
    assertThat(first.getLong("skipped")).isZero();
    assertThat(first.getString("nextCursor")).isNotNull();
    JsonObject rest = replay("?group=billing&limit=4&cursor=" + q(first.getString("nextCursor")));
    assertThat(rest.getLong("replayed")).isEqualTo(2);
    assertThat(rest.getString("nextCursor")).isNull();
    assertThat(first.getLong("examined") + rest.getLong("examined")).isEqualTo(12);

    Poll.until(Duration.ofSeconds(10), () -> billingCalls.get() == 12,
        () -> "billing handles its 6 dead letters again, now successfully");
    awaitDeadLetters(6);
    assertThat(search("", 50)).hasSize(6).allSatisfy(d -> assertThat(d.getString("group")).isEqualTo("shipping"));
    assertThat(search("&group=billing", 50)).isEmpty();
  }

  private JsonObject replay(String query) {
    HttpResponse<String> r = send("POST", DEAD + "/replay" + query, TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
