package io.streambus.dashboard;

import io.streambus.BusException;
import io.streambus.ConsumerOptions;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may do what, and how the API refuses bad requests. */
class SecurityTest extends DashboardTestBase {
  private static final String TOKEN = "mutate-0123456789";
  private static final String READ_TOKEN = "read-0123456789";

  private String deadLetterRef(StreamBus bus, String topic) {
    await(bus.subscribe(topic, "g", m -> Future.failedFuture(new BusException.NonRetryable("no")),
        new ConsumerOptions().setBlockMs(100)));
    await(bus.publish(topic, new JsonObject().put("n", 1)));
    JsonObject page = awaitJson("/api/topics/" + topic + "/deadletters", j -> j.getJsonArray("items").size() == 1,
        "one dead letter");
    return page.getJsonArray("items").getJsonObject(0).getString("ref");
  }

  @Test
  void mutationsAreDisabledWithoutAToken() {
    StreamBus bus = bus();
    startDashboard(new DashboardOptions());
    String ref = deadLetterRef(bus, "orders");

    HttpResponse<String> purge = send("DELETE", "/api/topics/orders/deadletters", "anything-at-all");
    HttpResponse<String> replay = send("POST", "/api/topics/orders/deadletters/" + ref + "/replay", null);

    assertThat(purge.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(purge.body()).getString("error")).contains("DASHBOARD_TOKEN");
    assertThat(replay.statusCode()).isEqualTo(403);
    assertThat(getJson("/api/config").getBoolean("mutationsEnabled")).isFalse();
    awaitJson("/api/topics/orders", j -> j.getLong("deadLetters") == 1, "the dead letter still counted");
  }

  @Test
  void mutationsRequireTheTokenInTheHeader() {
    StreamBus bus = bus();
    startDashboard(new DashboardOptions().setMutationToken(TOKEN));
    String ref = deadLetterRef(bus, "orders");
    String one = "/api/topics/orders/deadletters/" + ref;

    assertThat(send("DELETE", one, null).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", one, "mutate-0123456788").statusCode()).isEqualTo(403);
    assertThat(send("DELETE", one, TOKEN + "x").statusCode()).isEqualTo(403);
    assertThat(cookieOnly("DELETE", one, TOKEN).statusCode()).as("a cookie is not a token").isEqualTo(401);
    assertThat(get(one).statusCode()).as("still there").isEqualTo(200);

    HttpResponse<String> deleted = send("DELETE", one, TOKEN);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(deleted.body()).getString("deleted")).isEqualTo(ref);
    assertThat(get(one).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", one, TOKEN).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/api/topics/orders/deadletters", TOKEN).body()).isEqualTo("{\"purged\":0}");
  }

  private HttpResponse<String> cookieOnly(String method, String path, String token) {
    try {
      return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
          .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
          .header("Cookie", "X-Bus-Token=" + token).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aReadTokenProtectsEveryReadButTheConfigAndThePage() {
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    startDashboard(new DashboardOptions().setMutationToken(TOKEN).setReadToken(READ_TOKEN));

    assertThat(get("/api/topics").statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/topics", "read-0123456780").statusCode()).isEqualTo(403);
    assertThat(send("GET", "/api/topics", READ_TOKEN).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/topics", TOKEN).statusCode()).isEqualTo(200);
    assertThat(get("/api/stream").statusCode()).isEqualTo(401);
    assertThat(get("/api/topics/orders/deadletters").statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/api/topics/orders/deadletters", READ_TOKEN).statusCode())
        .as("the read token does not allow mutations").isEqualTo(403);
    assertThat(getJson("/api/config").getBoolean("readTokenRequired")).isTrue();
    assertThat(get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void badParametersAre400NamingTheParameter() {
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    startDashboard(new DashboardOptions().setMutationToken(TOKEN));
    awaitJson("/api/topics", j -> j.getJsonArray("topics").size() == 1, "the topic sampled");

    assertBad("GET", "/api/topics/orders/deadletters?limit=0", "limit");
    assertBad("GET", "/api/topics/orders/deadletters?limit=many", "limit");
    assertBad("GET", "/api/topics/orders/deadletters?limit=1001", "limit");
    assertBad("GET", "/api/topics/bad%7Bname%7D/deadletters", "topic");
    assertBad("GET", "/api/topics/orders/deadletters/x/1-0", "partition");
    assertBad("GET", "/api/topics/orders/deadletters/0/zzz", "id");
    assertBad("POST", "/api/topics/orders/deadletters/0/1-x/replay", "id");
    assertBad("GET", "/api/history", "topic");
    assertBad("GET", "/api/history?topic=orders&seconds=0", "seconds");
    HttpResponse<String> cursor = get("/api/topics/orders/deadletters?cursor=garbage");
    assertThat(cursor.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(cursor.body()).getString("error")).contains("cursor");
    HttpResponse<String> partition = get("/api/topics/orders/deadletters/7/1-0");
    assertThat(partition.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(partition.body()).getString("error")).contains("partition 7");
  }

  private void assertBad(String method, String path, String parameter) {
    HttpResponse<String> r = send(method, path, TOKEN);
    assertThat(r.statusCode()).as(method + " " + path).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("parameter")).as(method + " " + path).isEqualTo(parameter);
  }

  @Test
  void unknownTopicsAre404() {
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    startDashboard(new DashboardOptions().setMutationToken(TOKEN));
    awaitJson("/api/topics", j -> j.getJsonArray("topics").size() == 1, "the topic sampled");

    assertThat(get("/api/topics/orders").statusCode()).isEqualTo(200);
    assertThat(get("/api/topics/nope").statusCode()).isEqualTo(404);
    assertThat(get("/api/history?topic=nope").statusCode()).isEqualTo(404);
    assertThat(get("/api/topics/nope/deadletters").statusCode()).isEqualTo(404);
    assertThat(get("/api/topics/nope/deadletters/0/1-0").statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/api/topics/nope/deadletters", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/api/nothing-here").statusCode()).isEqualTo(404);
    assertThat(new JsonObject(get("/api/topics/nope").body()).getString("error")).contains("nope");
  }

  @Test
  void everyResponseCarriesTheContentSecurityPolicy() {
    startDashboard(new DashboardOptions());

    for (String path : new String[] {"/", "/app.js", "/api/topics", "/api/config"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
          assertThat(csp).contains("script-src 'self'").contains("object-src 'none'"));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
    }
  }
}
