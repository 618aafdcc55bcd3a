package io.streambus.dashboard;

import io.streambus.ConsumerOptions;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sampled rates match a publish rate the test controls, in every sample, while trimming runs several times per
 * sample interval. Trimming shrinks the streams, so a rate derived from their lengths reads 0 in every interval that
 * holds a trim (what the page showed on Redis 6.2).
 */
class RatesTest extends DashboardTestBase {
  private static final String TOPIC = "metered";
  private static final int PARTITIONS = 2;
  private static final int RATE = 200;
  private static final int SECONDS = 6;
  private static final long TRIM_INTERVAL_MS = 250;
  private static final double TOLERANCE = 0.25;

  @Test
  void inAndDeliveredRatesMatchAKnownPublishRateInEverySampleWhileTrimmingRuns() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, PARTITIONS))
        .setTrimIntervalMs(TRIM_INTERVAL_MS));
    await(bus.subscribe(TOPIC, "counter", m -> Future.succeededFuture(), new ConsumerOptions().setBlockMs(100)));
    startDashboard(new DashboardOptions());
    awaitJson("/api/topics", j -> j.getJsonArray("topics").size() == 1, "the topic sampled");

    long[] window = publishAtRate(bus, TOPIC);
    long end = window[1];
    awaitJson("/api/topics", j -> j.getLong("sampledAt") > end, "a sample after publishing ended");

    JsonObject history = getJson("/api/history?topic=" + TOPIC);
    List<Double> in = ratesWithin(history.getJsonArray("t"), history.getJsonArray("rateIn"), window);
    List<Double> delivered = ratesWithin(history.getJsonArray("t"),
        history.getJsonObject("groups").getJsonObject("counter").getJsonArray("deliveredRate"), window);
    long left = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      left += Long.parseLong(redis.command("XLEN", stream(TOPIC, p)));
    }
    System.out.printf("Redis %s: published %d msg/s; %d of %d entries left after trimming; sampled in-rates %s; "
        + "delivered-rates %s%n", version(), RATE, left, RATE * SECONDS, in, delivered);

    assertThat(left).as("entries the trimming left").isLessThan(RATE * SECONDS / 4);
    assertThat(in).hasSizeGreaterThanOrEqualTo(SECONDS - 2);
    assertThat(in).as("rate in, every sample")
        .allSatisfy(r -> assertThat(r).isCloseTo(RATE, within(RATE * TOLERANCE)));
    assertThat(delivered).as("delivered rate, every sample").hasSameSizeAs(in)
        .allSatisfy(r -> assertThat(r).isCloseTo(RATE, within(RATE * TOLERANCE)));
  }

  private static String version() {
    Matcher m = Pattern.compile("redis_version:([0-9.]+)").matcher(redis.command("INFO", "server"));
    return m.find() ? m.group(1) : "?";
  }

  /**
   * Publishes {@code RATE * SECONDS} messages, paced by elapsed time rather than by counting timer ticks, so that
   * late ticks do not lower the rate. Returns the epoch millis of the first and last publish.
   */
  private long[] publishAtRate(StreamBus bus, String topic) {
    long total = (long) RATE * SECONDS;
    AtomicLong sent = new AtomicLong();
    Promise<long[]> done = Promise.promise();
    long start = System.currentTimeMillis();
    vertx.setPeriodic(10, id -> {
      long due = Math.min(total, (System.currentTimeMillis() - start) * RATE / 1000);
      List<Future<?>> batch = new ArrayList<>();
      while (sent.get() < due) {
        batch.add(bus.publish(topic, new JsonObject().put("n", sent.incrementAndGet())));
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
        long last = System.currentTimeMillis();
        Future.all(batch).onComplete(ar -> done.complete(new long[] {start, last}));
      }
    });
    return await(done.future());
  }

  /** The rates of the samples whose whole interval lies inside {@code window}. */
  private static List<Double> ratesWithin(JsonArray t, JsonArray rates, long[] window) {
    List<Double> out = new ArrayList<>();
    for (int i = 1; i < t.size(); i++) {
      if (t.getLong(i - 1) >= window[0] && t.getLong(i) <= window[1] && rates.getValue(i) != null) {
        out.add(((Number) rates.getValue(i)).doubleValue());
      }
    }
    return out;
  }
}
