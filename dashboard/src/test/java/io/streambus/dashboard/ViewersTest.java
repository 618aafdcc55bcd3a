package io.streambus.dashboard;

import io.streambus.StreamBus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One sampler serves every viewer: Redis load does not grow with viewers, and stops with the dashboard. */
class ViewersTest extends DashboardTestBase {
  private static final int SAMPLES = 10;

  @Test
  void redisLoadDoesNotGrowWithTheNumberOfViewers() throws Exception {
    RedisReplies replies = new RedisReplies(redis);
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    await(bus.publish("audit", "y"));
    redis.command("XGROUP", "CREATE", stream("orders", 0), "billing", "0");
    startDashboard(new DashboardOptions().setSampleIntervalMs(200));
    awaitJson("/api/topics", j -> j.getJsonArray("topics").size() == 2, "both topics sampled");

    double alone = commandsPerSample(replies, () -> { });

    List<AtomicInteger> received = new ArrayList<>();
    List<CompletableFuture<HttpResponse<Stream<String>>>> streams = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AtomicInteger events = new AtomicInteger();
      received.add(events);
      streams.add(openStream(events));
    }
    double watched = commandsPerSample(replies, () -> {
      for (int i = 0; i < 10; i++) {
        getJson("/api/topics");
        getJson("/api/topics/orders");
        getJson("/api/history?topic=orders");
      }
    });
    System.out.printf("Redis commands per sample: %.1f with no viewer, %.1f with 5 live viewers and 30 reads%n",
        alone, watched);

    assertThat(watched).isCloseTo(alone, org.assertj.core.api.Assertions.within(alone * 0.1));
    received.forEach(r -> assertThat(r.get()).as("samples pushed to a viewer").isGreaterThanOrEqualTo(SAMPLES - 1));

    undeployDashboard();
    long stopped = replies.commandsProcessed();
    // Absence can only be observed over time: five sample intervals.
    Thread.sleep(1_000);
    assertThat(replies.commandsProcessed()).as("no sampling after undeploy").isEqualTo(stopped);
    streams.forEach(s -> s.cancel(true));
  }

  /**
   * Redis commands per sample over {@value #SAMPLES} samples. Both counts are read right after a sample completed, so
   * no snapshot is half counted.
   */
  private double commandsPerSample(RedisReplies replies, Runnable meanwhile) {
    long seq0 = nextSample(getJson("/api/topics").getLong("seq"));
    long commands0 = replies.commandsProcessed();
    meanwhile.run();
    long seq1 = nextSample(seq0 + SAMPLES - 1);
    long commands1 = replies.commandsProcessed();
    return (double) (commands1 - commands0) / (seq1 - seq0);
  }

  private long nextSample(long after) {
    return awaitJson("/api/topics", j -> j.getLong("seq") > after, "a sample after " + after).getLong("seq");
  }

  private CompletableFuture<HttpResponse<Stream<String>>> openStream(AtomicInteger events) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/stream")).build();
    CompletableFuture<HttpResponse<Stream<String>>> response = HTTP.sendAsync(request,
        HttpResponse.BodyHandlers.ofLines());
    response.thenAcceptAsync(r -> r.body().forEach(line -> {
      if (line.equals("event: sample")) {
        events.incrementAndGet();
      }
    }));
    return response;
  }
}
