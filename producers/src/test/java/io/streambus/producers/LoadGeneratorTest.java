package io.streambus.producers;

import io.streambus.app.Settings;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.streambus.producers.IngestApiTest.await;
import static org.assertj.core.api.Assertions.assertThat;

class LoadGeneratorTest {
  private static RedisServer redis;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    redis.close();
  }

  @Test
  void publishesExactlyTheCountOverTopicsKeysAndPartitions() throws Exception {
    ProducersApp app = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", redis.uri(),
        "BUS_KEY_PREFIX", "lg", "BUS_HTTP_PORT", "0", "BUS_INGEST_ENABLED", "false", "BUS_PARTITIONS", "2",
        "BUS_LOADGEN_TOPICS", "a,b", "BUS_LOADGEN_RATE", "0", "BUS_LOADGEN_COUNT", "500",
        "BUS_LOADGEN_PAYLOAD_BYTES", "300", "BUS_LOADGEN_KEYS", "10")));
    await(app.start());
    try {
      assertThat(await(app.loadGenerator().done())).isEqualTo(500L);
      long total = 0;
      Set<Long> seqs = new HashSet<>();
      for (String topic : new String[] {"a", "b"}) {
        for (int p = 0; p < 2; p++) {
          String stream = "lg:{" + topic + ":" + p + "}";
          total += Long.parseLong(redis.command("XLEN", stream));
          Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(redis.command("XRANGE", stream, "-", "+"));
          while (m.find()) {
            seqs.add(Long.parseLong(m.group(1)));
          }
        }
      }
      assertThat(total).isEqualTo(500);
      assertThat(seqs).hasSize(500);
    } finally {
      await(app.stop());
    }
  }

  @Test
  void keepsTheRate() throws Exception {
    ProducersApp app = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", redis.uri(),
        "BUS_KEY_PREFIX", "rate", "BUS_HTTP_PORT", "0", "BUS_LOADGEN_TOPICS", "r", "BUS_LOADGEN_RATE", "200",
        "BUS_LOADGEN_COUNT", "300")));
    long started = System.nanoTime();
    await(app.start());
    try {
      assertThat(await(app.loadGenerator().done())).isEqualTo(300L);
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertThat(ms).as("300 messages at 200/s take about 1.5 s").isBetween(1_300L, 6_000L);
    } finally {
      await(app.stop());
    }
  }
}
