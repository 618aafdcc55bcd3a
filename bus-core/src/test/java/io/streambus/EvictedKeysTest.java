package io.streambus;

import io.streambus.impl.wire.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code volatile-lru} (ElastiCache's default eviction policy) may take: only keys with a TTL, which among the
 * bus's keys are the partition owner keys (ordered processing), the moved sets of the groups and the idempotency
 * windows. A key vanishing is what an eviction does, so the test deletes them, at moments an eviction could come,
 * and checks that nothing is lost: at worst a message is delivered again or stored twice (docs/managed-redis.md).
 */
class EvictedKeysTest extends BusTestBase {
  private static final int PARTITIONS = 2;
  private final Keys keys = new Keys("test");

  @Test
  void orderedConsumersLoseNothingWhenOwnerKeysAndMovedSetsAreEvicted() {
    StreamBus bus = bus(busOptions().setPartitions(PARTITIONS));
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    for (int s = 0; s < 2; s++) {
      await(bus.subscribe(topic, "g", m -> {
        int n = m.json().getInteger("n");
        calls.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
        handled.add(n);
        return Future.succeededFuture();
      }, fastConsumer().setOrdering(Ordering.KEY)));
    }
    int total = 2_000;
    int evictions = 0;
    for (int chunk = 0; chunk < total / 100; chunk++) {
      List<Future<MessageId>> sent = new ArrayList<>();
      for (int n = chunk * 100; n < (chunk + 1) * 100; n++) {
        sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", n)).key("k" + n % 37)));
      }
      await(Future.all(sent));
      if (chunk % 4 == 1) {
        for (int p = 0; p < PARTITIONS; p++) {
          evictions += Integer.parseInt(redis.command("DEL", keys.owner(topic, p, "g"), keys.moved(topic, p, "g"))
              .trim());
        }
      }
    }
    eventually(Duration.ofSeconds(60), () -> handled.size() == total && settled(bus),
        () -> "every message handled and nothing pending: " + handled.size() + " of " + total);
    long again = calls.values().stream().filter(c -> c.get() > 1).count();
    System.out.printf("evicted owner keys and moved sets %d times: %d messages, %d handled, %d handled again%n",
        evictions, total, handled.size(), again);
    assertThat(evictions).as("keys were there to evict").isPositive();
    assertThat(dlqLength()).as("nothing dead-lettered").isZero();
  }

  @Test
  void anEvictedIdempotencyWindowStoresTheMessageAgainAndLosesNothing() {
    StreamBus bus = bus(busOptions());
    MessageId first = await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", 1))
        .idempotencyKey("pay-1")));
    assertThat(await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", 1))
        .idempotencyKey("pay-1")))).isEqualTo(first);
    int partition = Topics.partitionOf("pay-1", 1);
    assertThat(redis.command("DEL", keys.idempotency(topic, partition), keys.idempotencyExpiry(topic, partition))
        .trim()).isEqualTo("2");
    MessageId second = await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", 1))
        .idempotencyKey("pay-1")));
    assertThat(second).isNotEqualTo(first);
    assertThat(redis.command("XLEN", stream(partition)).trim()).isEqualTo("2");
  }

  private long dlqLength() {
    long n = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      n += Long.parseLong(redis.command("XLEN", dlq(p)).trim());
    }
    return n;
  }
}
