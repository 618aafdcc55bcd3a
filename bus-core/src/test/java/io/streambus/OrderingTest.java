package io.streambus;

import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Ordered processing: per key (or partition), one message after another, in stream order, across the group. */
class OrderingTest extends BusTestBase {
  private static final int PARTITIONS = 4;

  /** Checks, as handlers run, that no message of a key starts before its predecessor finished, or out of order. */
  static final class OrderCheck {
    final Map<String, Integer> lastStarted = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Set<String> handled = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    void started(String key, int seq) {
      calls.incrementAndGet();
      if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
        violations.add(key + " #" + seq + " started while another of its key ran");
      }
      Integer last = lastStarted.put(key, seq);
      if (last != null && seq < last) {
        violations.add(key + " #" + seq + " started after #" + last);
      }
    }

    void finished(String key, int seq) {
      running.get(key).decrementAndGet();
      handled.add(key + "#" + seq);
    }
  }

  private BusOptions partitioned() {
    return busOptions().setPartitions(PARTITIONS);
  }

  private ConsumerOptions ordered(Ordering ordering) {
    // a lease of 3 s: on a loaded 2-core machine an owner's renewals can fall a second behind, and an owner key
    // that runs out hands the partition over as if the owner had died
    return fastConsumer().setOrdering(ordering).setClaimMinIdleMs(3_000).setMaxInFlight(16);
  }

  /** A handler taking 0-3 ms, on a later event-loop turn, that records its calls. */
  private MessageHandler checked(OrderCheck check, String name, Map<String, String> handledBy) {
    return m -> {
      JsonObject body = m.json();
      String key = body.getString("key");
      int seq = body.getInteger("seq");
      check.started(key, seq);
      handledBy.put(key + "#" + seq, name);
      Promise<Void> p = Promise.promise();
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(3), t -> {
        check.finished(key, seq);
        p.complete();
      });
      return p.future();
    };
  }

  private void publishKeyed(StreamBus bus, int keys, int perKey) {
    publishKeyed(bus, keys, 0, perKey);
  }

  /** Messages {@code from} to {@code to} (exclusive) of each of {@code keys} keys, in that order. */
  private void publishKeyed(StreamBus bus, int keys, int from, int to) {
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int seq = from; seq < to; seq++) {
      for (int k = 0; k < keys; k++) {
        sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("key", "k" + k).put("seq", seq))
            .key("k" + k)));
      }
    }
    await(Future.all(sent));
  }

  @Test
  void keyOrderingHandlesEachKeysMessagesOneAfterAnotherAcrossTwoMembers() {
    StreamBus bus = bus(partitioned());
    OrderCheck check = new OrderCheck();
    Map<String, String> handledBy = new ConcurrentHashMap<>();
    await(bus.subscribe(topic, "g", checked(check, "a", handledBy), ordered(Ordering.KEY)));
    await(bus.subscribe(topic, "g", checked(check, "b", handledBy), ordered(Ordering.KEY)));
    publishKeyed(bus, 12, 40);
    eventually(Duration.ofSeconds(30), () -> check.handled.size() == 480 && settled(bus),
        () -> "all 480 handled: " + check.handled.size());
    System.out.printf(getClass().getSimpleName() + ": ordering key: 480 messages over 12 keys, 2 members: %d handler calls, %d by a, %d by b, "
        + "%d order violations%n", check.calls.get(), handledBy.values().stream().filter("a"::equals).count(),
        handledBy.values().stream().filter("b"::equals).count(), check.violations.size());
    assertThat(check.violations).isEmpty();
    assertThat(check.calls.get()).isEqualTo(480);
    assertThat(handledBy.values()).contains("a", "b");
  }

  @Test
  void partitionOrderingRunsOneMessageAtATimePerPartition() {
    StreamBus bus = bus(partitioned());
    OrderCheck byPartition = new OrderCheck();
    AtomicInteger done = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      String partition = "p" + m.partition();
      int seq = m.json().getInteger("n");
      byPartition.started(partition, seq);
      Promise<Void> p = Promise.promise();
      vertx.setTimer(1, t -> {
        byPartition.finished(partition, seq);
        done.incrementAndGet();
        p.complete();
      });
      return p.future();
    }, ordered(Ordering.PARTITION)));
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // the publish order is each partition's stream order: n grows within every partition
      sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", i)).key("k" + (i % 10))));
    }
    await(Future.all(sent));
    eventually(Duration.ofSeconds(30), () -> done.get() == 200, () -> "all handled: " + done.get());
    assertThat(byPartition.violations).isEmpty();
  }

  /** A poison message holds back its key through its retries; the other keys flow; after the dead letter, it goes on. */
  @Test
  void aFailingMessageHoldsBackItsKeyOnlyUntilItIsDeadLettered() {
    StreamBus bus = bus(busOptions());
    List<Integer> poisonDeliveries = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      JsonObject body = m.json();
      String key = body.getString("key");
      int seq = body.getInteger("seq");
      if (key.equals("bad") && seq == 1) {
        poisonDeliveries.add(m.deliveryCount());
        return Future.failedFuture("poison");
      }
      order.add(key + "#" + seq);
      return Future.succeededFuture();
    }, ordered(Ordering.KEY).setMaxDeliveries(3)
        .setRetry(new RetryOptions().setInitialBackoffMs(300).setMaxBackoffMs(300))));
    for (int seq = 0; seq < 3; seq++) {
      for (String key : List.of("bad", "good")) {
        await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("key", key).put("seq", seq)).key(key)));
      }
    }
    eventually(Duration.ofSeconds(20), () -> order.size() == 5 && count(BusMeters.DEAD_LETTERED) == 1,
        () -> "5 handled and the poison dead-lettered: " + order);
    assertThat(poisonDeliveries).containsExactly(1, 2, 3);
    // the good key did not wait for the bad one's retries; the bad one's #2 waited for #1's dead letter
    assertThat(order.indexOf("good#2")).isLessThan(order.indexOf("bad#2"));
    assertThat(order.indexOf("bad#0")).isLessThan(order.indexOf("bad#2"));
    DeadLetter d = await(bus.deadLetters(topic).list(null, 10)).items().get(0);
    assertThat(d.deliveries()).isEqualTo(3);
  }

  /** A member joins and leaves while traffic flows: partitions move, never two owners at once, order kept. */
  @Test
  void partitionsRebalanceWhenAMemberJoinsAndLeaves() {
    StreamBus bus = bus(partitioned());
    OrderCheck check = new OrderCheck();
    Map<String, String> handledBy = new ConcurrentHashMap<>();
    await(bus.subscribe(topic, "g", checked(check, "a", handledBy), ordered(Ordering.KEY)));
    eventually(Duration.ofSeconds(10), () -> owners(bus).values().stream().allMatch(o -> o != null),
        () -> "the first member owns every partition: " + owners(bus));
    long joined = System.nanoTime();
    Subscription b = await(bus.subscribe(topic, "g", checked(check, "b", handledBy), ordered(Ordering.KEY)));
    publishKeyed(bus, 8, 10);
    eventually(Duration.ofSeconds(15), () -> owners(bus).values().stream().filter(b.consumerName()::equals).count()
        == PARTITIONS / 2, () -> "the newcomer owns half the partitions: " + owners(bus));
    long rebalanceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
    long left = System.nanoTime();
    await(b.close());
    publishKeyed(bus, 8, 10, 20);
    eventually(Duration.ofSeconds(15), () -> owners(bus).values().stream().noneMatch(b.consumerName()::equals)
        && owners(bus).values().stream().allMatch(o -> o != null), () -> "back to one owner: " + owners(bus));
    long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
    eventually(Duration.ofSeconds(20), () -> check.handled.size() == 160 && settled(bus),
        () -> "all 160 handled: " + check.handled.size() + "; " + await(bus.admin().topic(topic)).partitions()
            .stream().map(ps -> ps.partition() + ": " + ps.groups()).toList() + " owners " + owners(bus));
    System.out.printf(getClass().getSimpleName() + ": ordering rebalance: a joining member owned its 2 of 4 partitions %d ms after it joined; "
        + "after it left, the other owned all 4 again within %d ms; %d order violations%n", rebalanceMs, backMs,
        check.violations.size());
    assertThat(check.violations).isEmpty();
  }

  @Test
  void aMemberAskingForAnotherOrderingThanTheGroupIsRefused() {
    StreamBus bus = bus(partitioned());
    await(bus.subscribe(topic, "g", m -> Future.succeededFuture(), ordered(Ordering.KEY)));
    Throwable e = awaitFailure(bus.subscribe(topic, "g", m -> Future.succeededFuture(), ordered(Ordering.NONE)));
    assertThat(e).isInstanceOf(BusException.class).hasMessageContaining("ordering KEY")
        .hasMessageContaining("asks for NONE").hasMessageContaining("same ordering");
    // another group is free to choose
    await(bus.subscribe(topic, "other", m -> Future.succeededFuture(), ordered(Ordering.NONE)));
  }

  private Map<Integer, String> owners(StreamBus bus) {
    return await(bus.admin().owners(topic, "g"));
  }
}
