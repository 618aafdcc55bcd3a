package io.streambus;

import io.streambus.admin.TopicStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.ConsumerStats;

import io.micrometer.core.instrument.Timer;
import io.streambus.testsupport.BuildConsole;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAndMetricsTest extends BusTestBase {

  @Test
  void runsOnTheRedisVersionTheBuildAskedFor() {
    String server = redis.server();
    BuildConsole.println("Redis under test: " + server + " (flavor " + redis.flavor() + ", redis_version "
        + redis.version() + ")");
    assertThat(server).startsWith(redis.flavor().expectedServer());
  }

  @Test
  void statsMatchWhatRedisSays() {
    StreamBus bus = bus();
    AtomicInteger handled = new AtomicInteger();
    // "holding" keeps 3 messages pending; "behind" is created and never reads (lag = all)
    await(bus.subscribe(topic, "holding", m -> {
      handled.incrementAndGet();
      return Promise.<Void>promise().future();
    }, fastConsumer().setMaxInFlight(3).setConsumerName("holder").setHandlerTimeoutMs(600_000)
        .setCloseTimeoutMs(100)));
    redis.command("XGROUP", "CREATE", stream(0), "behind", "$");
    for (int i = 0; i < 10; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> handled.get() == 3, "3 held");

    TopicStats stats = await(bus.admin().topic(topic));
    assertThat(await(bus.admin().topics())).contains(topic);
    assertThat(stats.length()).isEqualTo(Long.parseLong(redis.command("XLEN", stream(0))));
    PartitionStats p = stats.partitions().get(0);
    assertThat(p.stream()).isEqualTo(stream(0));
    GroupStats holding = p.groups().stream().filter(g -> g.name().equals("holding")).findFirst().orElseThrow();
    GroupStats behind = p.groups().stream().filter(g -> g.name().equals("behind")).findFirst().orElseThrow();
    assertThat(holding.pending()).isEqualTo(3);
    assertThat(holding.lag()).isEqualTo(7);
    assertThat(holding.oldestPendingAgeMs()).isGreaterThanOrEqualTo(0);
    assertThat(holding.consumers()).extracting(ConsumerStats::name).containsExactly("holder");
    assertThat(holding.consumers().get(0).pending()).isEqualTo(3);
    assertThat(behind.lag()).isEqualTo(10);
    assertThat(behind.pending()).isZero();
    assertThat(behind.oldestUndeliveredAgeMs()).isGreaterThanOrEqualTo(0);
    List<String> xpending = List.of(redis.command("XPENDING", stream(0), "holding").split("\n"));
    assertThat(Long.parseLong(xpending.get(0))).isEqualTo(holding.pending());
    assertThat(stats.toJson().getJsonArray("groups")).hasSize(2);
  }

  @Test
  void metersCarryTopicAndGroupTagsAndGaugesFollowRedis() {
    StreamBus bus = bus();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> calls.incrementAndGet() == 1
        ? Future.failedFuture("first fails") : Future.succeededFuture(), fastConsumer()));
    for (int i = 0; i < 5; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.ACKED) == 5, "5 acked");
    assertThat(registry.get(BusMeters.PUBLISHED).tag("topic", topic).counter().count()).isEqualTo(5);
    assertThat(registry.get(BusMeters.DELIVERED).tag("topic", topic).tag("group", "g").counter().count())
        .isEqualTo(6);
    assertThat(registry.get(BusMeters.REDELIVERED).tag("group", "g").counter().count()).isEqualTo(1);
    assertThat(registry.get(BusMeters.FAILED).tag("group", "g").counter().count()).isEqualTo(1);
    assertThat(registry.get(BusMeters.RETRIED).tag("group", "g").counter().count()).isEqualTo(1);
    Timer handler = registry.get(BusMeters.HANDLER_TIME).tag("outcome", "success").timer();
    assertThat(handler.count()).isEqualTo(5);
    assertThat(registry.get(BusMeters.END_TO_END).tag("group", "g").timer().count()).isEqualTo(5);
    assertThat(registry.get(BusMeters.IN_FLIGHT).tag("group", "g").gauge().value()).isZero();
    eventually(Duration.ofSeconds(10), () -> registry.find(BusMeters.STREAM_LENGTH).tag("topic", topic).gauge() != null
        && registry.find(BusMeters.STREAM_LENGTH).tag("topic", topic).gauge().value() == 5, "length gauge");
    eventually(Duration.ofSeconds(10), () -> registry.find(BusMeters.GROUP_LAG).tag("group", "g").gauge() != null
        && registry.find(BusMeters.GROUP_LAG).tag("group", "g").gauge().value() == 0
        && registry.find(BusMeters.GROUP_PENDING).tag("group", "g").gauge().value() == 0, "lag and pending gauges");
  }
}
