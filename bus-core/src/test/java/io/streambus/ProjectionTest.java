package io.streambus;

import io.streambus.admin.GroupStats;
import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projections against a real Redis: the model equals the exact fold of the messages however they are delivered
 * (retries, two members, a consumer that lost its lease, a crash before the step), refused writes write nothing and
 * dead-letter the message with the reason, and a rebuild from the beginning into new keys equals the model it
 * replaces. Leases in these tests are 3 s: the machine is shared.
 */
class ProjectionTest extends BusTestBase {
  private static final long LEASE_MS = 3_000;

  protected String model(int partition, String name) {
    return Topics.modelKey("test", topic, partition, name);
  }

  private ConsumerOptions consumer() {
    return fastConsumer().setClaimMinIdleMs(LEASE_MS).setReclaimIntervalMs(200);
  }

  private static long amount(int i) {
    return (i * 7919L) % 1000 + 1;
  }

  private static String customer(int i) {
    return "customer-" + (i % 40);
  }

  /** Revenue and count per customer, each customer's model in the partition its key goes to. */
  private static Future<Void> revenue(Message m, ModelWrites writes, String version) {
    JsonObject e = m.json();
    writes.hincrby(writes.key("revenue" + version), m.key(), e.getLong("amount"))
        .hincrby(writes.key("count" + version), m.key(), 1);
    return Future.succeededFuture();
  }

  private List<OutgoingMessage> events(int from, int to) {
    List<OutgoingMessage> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(OutgoingMessage.json(topic, new JsonObject().put("i", i).put("amount", amount(i))).key(customer(i)));
    }
    return out;
  }

  private void publish(StreamBus bus, int from, int to) {
    for (int i = from; i < to; i += 500) {
      await(bus.publishAll(events(i, Math.min(to, i + 500))));
    }
  }

  /** The model as a reader finds it: the customer's partition from its key, the key from the public layout. */
  private Map<String, Long> readModel(int partitions, String name, int customers) {
    Map<String, Long> model = new HashMap<>();
    for (int c = 0; c < customers; c++) {
      String customer = "customer-" + c;
      String key = model(Topics.partitionOf(customer, partitions), name);
      String v = on(key, "HGET", key, customer);
      if (v != null) {
        model.put(customer, Long.parseLong(v));
      }
    }
    return model;
  }

  private static Map<String, Long> fold(int n, boolean count) {
    Map<String, Long> fold = new HashMap<>();
    for (int i = 0; i < n; i++) {
      fold.merge(customer(i), count ? 1 : amount(i), Long::sum);
    }
    return fold;
  }

  private boolean groupSettled(StreamBus bus, String group) {
    return await(bus.admin().topic(topic)).groups().stream()
        .anyMatch(g -> g.name().equals(group) && g.lag() == 0 && g.pending() == 0);
  }

  @Test
  void aProjectionOfIncrementsEqualsTheExactFoldThroughRetriesAndTwoMembers() {
    int partitions = 4;
    int n = 3_000;
    StreamBus bus = bus(busOptions().setPartitions(partitions));
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    Projection projection = (m, writes) -> {
      calls.incrementAndGet();
      // one message in 20 fails its first delivery: retried, and applied once
      if (m.deliveryCount() == 1 && m.json().getInteger("i") % 20 == 0) {
        failed.incrementAndGet();
        return Future.failedFuture(new IllegalStateException("transient"));
      }
      return revenue(m, writes, "");
    };
    for (int s = 0; s < 2; s++) {
      await(bus.project(topic, "revenue", projection, consumer().setMaxInFlight(32)));
    }
    long started = System.nanoTime();
    publish(bus, 0, n);
    eventually(Duration.ofSeconds(90), () -> count(BusMeters.ACKED) == n && settled(bus),
        () -> "all projected: " + count(BusMeters.ACKED));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf("projection: %d events, 40 keys, %d partitions, 2 members, %d first deliveries failed and "
            + "retried: %d projection calls, %d applied, model equals the fold; %d ms (%.0f msg/s)%n", n, partitions,
        failed.get(), calls.get(), count(BusMeters.ACKED), ms, n * 1000.0 / ms);
    assertThat(failed.get()).isEqualTo(n / 20);
    assertThat(readModel(partitions, "revenue", 40)).isEqualTo(fold(n, false));
    assertThat(readModel(partitions, "count", 40)).isEqualTo(fold(n, true));
    assertThat(count(BusMeters.DEAD_LETTERED)).isZero();
    // the same model through the admin API: every customer in the partition of its key
    List<Map<String, String>> parts = await(bus.admin().modelHash(topic, "revenue"));
    assertThat(parts).hasSize(partitions);
    Map<String, Long> viaAdmin = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      for (Map.Entry<String, String> e : parts.get(p).entrySet()) {
        assertThat(Topics.partitionOf(e.getKey(), partitions)).as("partition of %s", e.getKey()).isEqualTo(p);
        viaAdmin.merge(e.getKey(), Long.parseLong(e.getValue()), Long::sum);
      }
    }
    assertThat(viaAdmin).isEqualTo(fold(n, false));
    assertThat(await(bus.admin().modelHash(topic, "no-such-model"))).hasSize(partitions).allSatisfy(
        m -> assertThat(m).isEmpty());
  }

  /**
   * A consumer paused (its event loop blocked) past its lease wakes up with writes to apply: the peer has the
   * messages now, so it applies nothing; the peer applies them once.
   */
  @Test
  void aConsumerThatLostItsLeaseAppliesNothing() throws Exception {
    Vertx pausedVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    try {
      StreamBus pausedBus = StreamBus.create(pausedVertx, busOptions(), registry);
      StreamBus bus = bus();
      await(bus.publishAll(events(0, 3)));
      CountDownLatch wake = new CountDownLatch(1);
      Queue<String> lost = new ConcurrentLinkedQueue<>();
      AtomicInteger pausedCalls = new AtomicInteger();
      await(pausedBus.project(topic, "g", (m, writes) -> {
        revenue(m, writes, "");
        if (pausedCalls.incrementAndGet() == 1) {
          try {
            // the pause, with the writes ready: blocks the paused bus's only event loop, so its renewals stop too
            wake.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return Future.succeededFuture();
      }, consumer().setConsumerName("paused").setMaxInFlight(3).setStartPosition(StartPosition.BEGINNING)
          .setListener(new ConsumerListener() {
            @Override
            public void onLeaseLost(Message message, String reason) {
              lost.add(message.id().value() + ": " + reason);
            }
          })));
      eventually(Duration.ofSeconds(10), () -> pausedCalls.get() == 1, "the paused consumer took the first one");

      Queue<Promise<Void>> peerHeld = new ConcurrentLinkedQueue<>();
      List<Integer> peerCounts = new CopyOnWriteArrayList<>();
      await(bus.project(topic, "g", (m, writes) -> {
        peerCounts.add(m.deliveryCount());
        revenue(m, writes, "");
        Promise<Void> p = Promise.promise();
        peerHeld.add(p);
        return p.future();
      }, consumer().setConsumerName("peer")));
      eventually(Duration.ofSeconds(30), () -> peerHeld.size() == 3, "the peer took over all three");

      wake.countDown();
      eventually(Duration.ofSeconds(20), () -> lost.size() == 3,
          () -> "the paused consumer reported 3 lost leases: " + lost);
      String key = model(0, "revenue");
      assertThat(on(key, "EXISTS", key)).as("nothing applied by the consumer that lost its lease").isEqualTo("0");
      peerHeld.forEach(Promise::complete);
      eventually(Duration.ofSeconds(15), () -> settled(bus), "the peer projected them");
      System.out.printf("projection, lease lost: %d calls in the paused consumer, lost leases: %s; the peer's "
          + "delivery counts %s%n", pausedCalls.get(), lost, peerCounts);
      assertThat(readModel(1, "revenue", 40)).isEqualTo(fold(3, false));
      assertThat(peerCounts).containsOnly(2);
      assertThat(count(BusMeters.LEASE_LOST)).isEqualTo(3);
      assertThat(count(BusMeters.ACKED)).isEqualTo(3);
      await(pausedBus.close());
    } finally {
      pausedVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The process dies after its projection computed the writes, before the step: the redelivery applies them once. */
  @Test
  void aCrashBeforeTheStepAppliesNothingAndTheRedeliveryAppliesTheWritesOnce() throws Exception {
    Vertx crashing = Vertx.vertx();
    StreamBus crashingBus = StreamBus.create(crashing, busOptions(), registry);
    CountDownLatch computed = new CountDownLatch(1);
    await(crashingBus.project(topic, "g", (m, writes) -> {
      revenue(m, writes, "");
      computed.countDown();
      return Promise.<Void>promise().future(); // the step never comes: the process dies first
    }, consumer().setConsumerName("crashing")));
    StreamBus bus = bus();
    await(bus.publishAll(events(0, 1)));
    assertThat(computed.await(10, TimeUnit.SECONDS)).isTrue();
    // the crash: connections gone without a close of the subscription (nothing handed back, nothing left)
    crashing.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String key = model(0, "revenue");
    assertThat(on(key, "EXISTS", key)).isEqualTo("0");

    List<Integer> counts = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    await(bus.project(topic, "g", (m, writes) -> {
      counts.add(m.deliveryCount());
      return revenue(m, writes, "");
    }, consumer().setConsumerName("survivor")));
    eventually(Duration.ofSeconds(30), () -> settled(bus), "the survivor reclaimed and projected it");
    System.out.printf("projection, crash before the step: the survivor applied it %d ms later (lease %d ms), "
        + "delivery counts %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), LEASE_MS, counts);
    assertThat(counts).containsExactly(2);
    assertThat(readModel(1, "revenue", 40)).isEqualTo(fold(1, false));
  }

  /**
   * Each bad message has a good write before its bad one: nothing of it is applied, it is dead-lettered at once with
   * the reason, and the good messages around it are projected.
   */
  @Test
  void aRefusedWriteWritesNothingAndDeadLettersTheMessageWithTheReason() {
    StreamBus bus = bus();
    String aString = model(0, "a-string");
    String text = model(0, "text");
    on(aString, "SET", aString, "x");
    on(text, "HSET", text, "f", "abc");
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    await(bus.project(topic, "g", (m, writes) -> {
      String kind = m.json().getString("kind");
      calls.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
      writes.hincrby(writes.key("good"), kind, 1);
      switch (kind) {
        case "wrong-type" -> writes.hincrby(aString, "f", 1);
        case "not-an-integer" -> writes.hincrby(text, "f", 1);
        case "outside-the-slot" -> writes.hincrby("elsewhere", "f", 1);
        case "other-partition" -> writes.hincrby(Topics.modelKey("test", topic, 1, "good"), "f", 1);
        case "bus-key" -> {
          try {
            writes.del(stream(0));
          } catch (BusException.InvalidWrite e) {
            // swallowed on purpose: the write is refused all the same
          }
        }
        case "command" -> writes.command("FLUSHALL", writes.key("good"));
        // a request of more than 3,999 arguments, or a key over 4 KiB, is refused by ElastiCache Serverless
        case "too-many-writes" -> {
          for (int i = 0; i < 1_000; i++) {
            writes.hincrby(writes.key("counts"), "f" + i, 1);
          }
        }
        case "long-key" -> writes.hincrby(writes.key("k".repeat(1_100)), "f", 1);
        default -> {
        }
      }
      return Future.succeededFuture();
    }, consumer().setMaxDeliveries(5)));
    List<String> bad = List.of("wrong-type", "not-an-integer", "outside-the-slot", "other-partition", "bus-key",
        "command", "too-many-writes", "long-key");
    for (String kind : bad) {
      await(bus.publish(topic, new JsonObject().put("kind", kind)));
      await(bus.publish(topic, new JsonObject().put("kind", "ok")));
    }
    eventually(Duration.ofSeconds(20), () -> settled(bus) && count(BusMeters.DEAD_LETTERED) == bad.size(),
        () -> "all settled, " + bad.size() + " dead-lettered: " + count(BusMeters.DEAD_LETTERED));
    Map<String, String> reasons = new HashMap<>();
    for (DeadLetter d : await(bus.deadLetters(topic).list(null, 100)).items()) {
      reasons.put(new JsonObject(d.payload()).getString("kind"), d.errorClass() + ": " + d.error());
    }
    reasons.forEach((kind, reason) -> System.out.printf("projection, refused write %s -> %s%n", kind, reason));
    assertThat(reasons).containsOnlyKeys(bad);
    assertThat(reasons.values()).allMatch(r -> r.startsWith(BusException.InvalidWrite.class.getName()));
    assertThat(reasons.get("wrong-type")).contains("needs " + aString + " to be a hash, it is a string");
    assertThat(reasons.get("not-an-integer")).contains("holds 'abc', not an integer");
    assertThat(reasons.get("outside-the-slot")).contains("outside partition 0's slot", "it has none");
    assertThat(reasons.get("other-partition")).contains("outside partition 0's slot", "{" + topic + ":1}");
    assertThat(reasons.get("bus-key")).contains("belongs to the bus");
    assertThat(reasons.get("command")).contains("FLUSHALL", "not accepted");
    assertThat(reasons.get("too-many-writes")).contains("3979 arguments and keys", "3999");
    assertThat(reasons.get("long-key")).contains("longer than 1024 bytes");
    String counts = model(0, "counts");
    assertThat(on(counts, "EXISTS", counts)).isEqualTo("0");
    String good = model(0, "good");
    assertThat(on(good, "HGETALL", good)).isEqualTo("ok\n" + bad.size());
    assertThat(on(aString, "GET", aString)).isEqualTo("x");
    assertThat(on(text, "HGETALL", text)).isEqualTo("f\nabc");
    // not retried: a refused write does not get better
    bad.forEach(kind -> assertThat(calls.get(kind).get()).as(kind).isEqualTo(1));
  }

  /** Ordered by key, a model of the latest state per key (a SET, not commutative) ends at each key's last message. */
  @Test
  void withKeyOrderingAModelOfTheLatestStateEndsAtEachKeysLastMessage() {
    int partitions = 2;
    int n = 600;
    StreamBus bus = bus(busOptions().setPartitions(partitions));
    for (int s = 0; s < 2; s++) {
      await(bus.project(topic, "latest", (m, writes) -> {
        writes.hset(writes.key("latest"), m.key(), m.json().getString("i"));
        return Future.succeededFuture();
      }, consumer().setOrdering(Ordering.KEY).setMaxInFlight(16)));
    }
    List<OutgoingMessage> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(OutgoingMessage.json(topic, new JsonObject().put("i", Integer.toString(i))).key(customer(i % 12)));
    }
    await(bus.publishAll(events));
    eventually(Duration.ofSeconds(60), () -> count(BusMeters.ACKED) == n && settled(bus), "all projected");
    for (int c = 0; c < 12; c++) {
      String customer = "customer-" + c;
      String key = model(Topics.partitionOf(customer, partitions), "latest");
      int last = n - 12 + c;
      assertThat(on(key, "HGET", key, customer)).as(customer).isEqualTo(Integer.toString(last));
    }
  }

  /**
   * The event-sourcing move: a second group from the beginning of the streams builds the model again into keys of a
   * new version, catches up (its lag and pending reach zero), and equals the first; readers switch, the old group and
   * keys go.
   */
  @Test
  void aRebuildFromTheBeginningIntoANewVersionEqualsTheModelItReplaces() {
    int partitions = 2;
    StreamBus bus = bus(busOptions().setPartitions(partitions));
    Subscription v1Projection = await(bus.project(topic, "revenue-v1", (m, w) -> revenue(m, w, "-v1"),
        consumer().setMaxInFlight(32)));
    publish(bus, 0, 1_000);
    eventually(Duration.ofSeconds(60), () -> groupSettled(bus, "revenue-v1"), "v1 caught up");

    long started = System.nanoTime();
    await(bus.project(topic, "revenue-v2", (m, w) -> revenue(m, w, "-v2"),
        consumer().setMaxInFlight(32).setStartPosition(StartPosition.BEGINNING)));
    publish(bus, 1_000, 1_200); // the topic goes on meanwhile: both versions follow it
    eventually(Duration.ofSeconds(60), () -> groupSettled(bus, "revenue-v2") && groupSettled(bus, "revenue-v1"),
        "v2 caught up");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Map<String, Long> v1 = readModel(partitions, "revenue-v1", 40);
    Map<String, Long> v2 = readModel(partitions, "revenue-v2", 40);
    System.out.printf("projection rebuild: 1200 events replayed from the beginning into version 2 in %d ms; "
        + "equal to version 1 over %d keys%n", ms, v2.size());
    assertThat(v2).isEqualTo(v1).isEqualTo(fold(1_200, false));

    // the switch: readers use -v2 from now on; the old projection stops (a running subscription would recreate its
    // group), then its group and keys go
    await(v1Projection.close());
    await(bus.admin().deleteGroup(topic, "revenue-v1"));
    for (int p = 0; p < partitions; p++) {
      on(model(p, "revenue-v1"), "DEL", model(p, "revenue-v1"), model(p, "count-v1"));
    }
    assertThat(await(bus.admin().topic(topic)).groups()).extracting(GroupStats::name).containsOnly("revenue-v2");
  }
}
