package io.streambus;

import io.streambus.admin.DeadLetters;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAndDeadLetterTest extends BusTestBase {

  @Test
  void transientFailureIsRetriedWithBackoffThenAcked() {
    StreamBus bus = bus();
    List<Long> attemptsAt = new CopyOnWriteArrayList<>();
    List<Integer> counts = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      attemptsAt.add(System.currentTimeMillis());
      counts.add(m.deliveryCount());
      return m.deliveryCount() < 3 ? Future.failedFuture("not yet") : Future.succeededFuture();
    }, fastConsumer().setRetry(new RetryOptions().setInitialBackoffMs(200).setMaxBackoffMs(1000).setJitter(0))));
    await(bus.publish(topic, new JsonObject().put("x", 1)));
    eventually(Duration.ofSeconds(15), () -> counts.size() == 3 && "0".equals(pendingCount("g")),
        "3 deliveries then acked");
    assertThat(counts).containsExactly(1, 2, 3);
    assertThat(attemptsAt.get(1) - attemptsAt.get(0)).isGreaterThanOrEqualTo(190);
    assertThat(attemptsAt.get(2) - attemptsAt.get(1)).isGreaterThanOrEqualTo(390);
    assertThat(count(BusMeters.RETRIED)).isEqualTo(2);
    assertThat(count(BusMeters.FAILED)).isEqualTo(2);
    assertThat(count(BusMeters.ACKED)).isEqualTo(1);
    assertThat(on(dlq(0), "XLEN", dlq(0))).isEqualTo("0");
  }

  @Test
  void poisonMessageIsDeadLetteredAfterExactlyMaxDeliveriesWhileThePartitionKeepsFlowing() {
    StreamBus bus = bus();
    Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    AtomicInteger good = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      String kind = m.json().getString("kind");
      if (kind.equals("poison")) {
        tries.computeIfAbsent(m.id().value(), k -> new AtomicInteger()).incrementAndGet();
        return Future.failedFuture(new IllegalStateException("cannot handle <poison>"));
      }
      good.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setMaxDeliveries(4)));
    MessageId poison = await(bus.publish(topic, new JsonObject().put("kind", "poison")));
    for (int i = 0; i < 100; i++) {
      await(bus.publish(topic, new JsonObject().put("kind", "good")));
    }
    eventually(Duration.ofSeconds(10), () -> good.get() == 100, "good messages flow past the poison one");
    eventually(Duration.ofSeconds(15), () -> "1".equals(on(dlq(0), "XLEN", dlq(0))), "poison in the DLQ");
    assertThat(tries.get(poison.value()).get()).isEqualTo(4);
    assertThat(pendingCount("g")).isEqualTo("0");

    DeadLetterPage page = await(bus.deadLetters(topic).list(null, 10));
    assertThat(page.items()).hasSize(1);
    DeadLetter d = page.items().get(0);
    assertThat(d.originalId()).isEqualTo(poison.value());
    assertThat(d.sourceStream()).isEqualTo(stream(0));
    assertThat(d.group()).isEqualTo("g");
    assertThat(d.deliveries()).isEqualTo(4);
    assertThat(d.errorClass()).isEqualTo(IllegalStateException.class.getName());
    assertThat(d.error()).isEqualTo("cannot handle <poison>");
    assertThat(d.consumer()).isNotBlank();
    assertThat(d.deadLetteredAt()).isGreaterThan(0);
    assertThat(new JsonObject(d.payload()).getString("kind")).isEqualTo("poison");
    assertThat(count(BusMeters.DEAD_LETTERED)).isEqualTo(1);
  }

  @Test
  void nonRetryableFailureAndMalformedJsonAreDeadLetteredAtOnce() {
    StreamBus bus = bus();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      calls.incrementAndGet();
      m.json(); // throws NonRetryable for a payload that is not a JSON object
      return Future.succeededFuture();
    }, fastConsumer()));
    await(bus.publish(OutgoingMessage.withContentType(topic, io.vertx.core.buffer.Buffer.buffer("{not json"),
        OutgoingMessage.JSON)));
    eventually(Duration.ofSeconds(10), () -> "1".equals(on(dlq(0), "XLEN", dlq(0))), "dead-lettered");
    assertThat(calls.get()).isEqualTo(1);
    DeadLetter d = await(bus.deadLetters(topic).list(null, 1)).items().get(0);
    assertThat(d.errorClass()).isEqualTo(BusException.NonRetryable.class.getName());
    assertThat(d.error()).contains("not valid JSON");
  }

  @Test
  void replayGoesOnlyToTheGroupThatFailedAndDeleteAndPurgeWork() {
    StreamBus bus = bus();
    AtomicInteger failingGroupCalls = new AtomicInteger();
    AtomicInteger fixed = new AtomicInteger();
    AtomicInteger otherGroupCalls = new AtomicInteger();
    boolean[] broken = {true};
    await(bus.subscribe(topic, "failing", m -> {
      failingGroupCalls.incrementAndGet();
      if (broken[0]) {
        return Future.failedFuture(new BusException.NonRetryable("bad"));
      }
      fixed.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    await(bus.subscribe(topic, "other", m -> {
      otherGroupCalls.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    for (int i = 0; i < 3; i++) {
      await(bus.publish(topic, new JsonObject().put("i", i)));
    }
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(10), () -> await(dl.count()) == 3 && otherGroupCalls.get() == 3, "3 dead");
    broken[0] = false;
    List<DeadLetter> items = await(dl.list(null, 10)).items();
    MessageId replayed = await(dl.replay(items.get(0).ref()));
    assertThat(replayed).isNotNull();
    eventually(Duration.ofSeconds(10), () -> fixed.get() == 1, "the failing group got the replay");
    eventually(Duration.ofSeconds(10), () -> "0".equals(pendingCount("other")), "other group skipped it");
    assertThat(otherGroupCalls.get()).isEqualTo(3);
    assertThat(count(BusMeters.SKIPPED)).isEqualTo(1);
    assertThat(await(dl.count())).isEqualTo(2);
    assertThat(await(dl.replay(items.get(0).ref()))).isNull();

    assertThat(await(dl.delete(items.get(1).ref()))).isTrue();
    assertThat(await(dl.delete(items.get(1).ref()))).isFalse();
    assertThat(await(dl.purge())).isEqualTo(1);
    assertThat(await(dl.count())).isZero();
    assertThat(awaitFailure(dl.get("nonsense"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deadLetterPagesCoverAllPartitionsInOrderWithoutGapsOrRepeats() {
    StreamBus bus = bus(busOptions().setPartitions(3));
    await(bus.subscribe(topic, "g", m -> Future.failedFuture(new BusException.NonRetryable("no")),
        fastConsumer()));
    for (int i = 0; i < 25; i++) {
      await(bus.publish(topic, new JsonObject().put("i", i)));
    }
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(15), () -> await(dl.count()) == 25, "25 dead letters");
    List<String> seen = new CopyOnWriteArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DeadLetterPage page = await(dl.list(cursor, 7));
      page.items().forEach(d -> seen.add(d.ref()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates();
  }

  private String pendingCount(String group) {
    return on(stream(0), "XPENDING", stream(0), group).split("\n")[0];
  }
}
