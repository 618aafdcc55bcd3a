package io.streambus.demo;

import io.micrometer.core.instrument.Counter;
import io.streambus.BusMeters;
import io.streambus.admin.GroupStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;
import io.streambus.app.Settings;
import io.streambus.testsupport.Poll;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo in-process on the embedded Redis 6.2 binary (what a machine without redis-server gets): traffic flows, and
 * retries, reclaims (of what consumer-3 held when it crashed) and dead letters all show within a bounded time.
 */
class DemoAppTest {

  @Test
  void liveSystemShowsRetriesReclaimAndDeadLettersAndStopsCleanly() throws Exception {
    Vertx vertx = Vertx.vertx();
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    DemoApp app = new DemoApp(vertx, Settings.of(Map.of("BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0",
        DemoApp.RATE, "150", DemoApp.FIGURES_MS, "1000", DemoApp.EMBEDDED_REDIS, "true",
        DemoApp.DASHBOARD_PORT, "0")),
        new PrintStream(screen, true, StandardCharsets.UTF_8));
    try {
      await(app.start());
      assertThat(screen.toString(StandardCharsets.UTF_8)).contains("Streambus demo is running")
          .contains("embedded Redis 6.2").contains("/topics/orders/messages");
      Poll.until(Duration.ofSeconds(60), () -> count(app, BusMeters.RETRIED) > 0
              && count(app, BusMeters.DEAD_LETTERED) > 0 && count(app, BusMeters.RECLAIMED) > 0,
          () -> "retries, dead letters and reclaims; screen:\n" + tail(screen));
      List<TopicStats> topics = await(app.bus().admin().snapshot());
      TopicStats orders = topics.stream().filter(t -> t.topic().equals(DemoApp.ORDERS)).findFirst().orElseThrow();
      assertThat(orders.partitions()).hasSize(3);
      GroupStats billing = orders.groups().stream().filter(g -> g.name().equals(DemoApp.GROUP)).findFirst()
          .orElseThrow();
      assertThat(billing.consumers()).extracting(c -> c.name())
          .contains("consumer-1", "consumer-2", "consumer-3");
      assertThat(screen.toString(StandardCharsets.UTF_8)).contains("group billing").contains("dead-lettered")
          .contains("Open:        http://localhost:" + app.dashboardPort() + "/");
      // the revenue read model fills up, and the console shows it
      Poll.until(Duration.ofSeconds(30), () -> modelOrders(app) > 0 && tail(screen).matches(
          "(?s).*read model 'revenue' \\(group revenue, exactly once\\): [1-9]\\d* orders of \\d+ customers.*"),
          () -> "the revenue model on the console; screen:\n" + tail(screen));
      long modelled = modelOrders(app);
      long published = await(app.bus().admin().topic(DemoApp.ORDERS)).partitions().stream()
          .mapToLong(PartitionStats::entriesAdded).sum();
      assertThat(modelled).as("orders in the model, never more than were published").isBetween(1L, published);
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.dashboardPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as("the dashboard serves its page").isEqualTo(200);
    } finally {
      await(app.stop());
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The order count of the revenue model, over every partition. */
  private static long modelOrders(DemoApp app) {
    try {
      return await(app.bus().admin().modelHash(DemoApp.ORDERS, DemoApp.REVENUE_MODEL + ":count")).stream()
          .flatMap(p -> p.values().stream()).mapToLong(Long::parseLong).sum();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(DemoApp app, String meter) {
    return Math.round(app.registry().find(meter).counters().stream().mapToDouble(Counter::count).sum());
  }

  private static String tail(ByteArrayOutputStream screen) {
    String s = screen.toString(StandardCharsets.UTF_8);
    return s.length() < 3_000 ? s : s.substring(s.length() - 3_000);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
