package io.streambus;

import io.streambus.admin.TopicStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.DeadLetters;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetter;
import io.streambus.testsupport.BuildConsole;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus on a real 3-master Redis Cluster: a topic's partitions spread over the masters, every per-partition
 * mechanism (reclaim, dead letters, replay, trimming, stats) works as on one server, and the cluster-specific
 * plumbing (sockets per node, commands the client cannot route by itself) holds.
 */
@Tag("cluster")
class ClusterTest extends BusTestBase {
  static final int PARTITIONS = 6;
  static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
    BuildConsole.println("Redis Cluster under test: 3 masters of " + cluster.nodes().get(0).server());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected BusOptions busOptions() {
    return clusterOptions(cluster);
  }

  static BusOptions clusterOptions(RedisCluster cluster) {
    return new BusOptions().setTopology(BusOptions.Topology.CLUSTER).setConnectionStrings(cluster.uris())
        .setKeyPrefix("test").setPartitions(PARTITIONS);
  }

  /** A command on the master that owns {@code key}. */
  @Override
  protected String on(String key, String... args) {
    return cluster.nodeForSlotOwner(key).command(args);
  }

  private boolean nothingPending(String group) {
    for (int p = 0; p < PARTITIONS; p++) {
      if (!on(stream(p), "XPENDING", stream(p), group).startsWith("0")) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> missing(Set<Integer> expected, Set<Integer> got) {
    List<Integer> out = new ArrayList<>(expected);
    out.removeAll(got);
    return out.subList(0, Math.min(out.size(), 20));
  }

  private String pendingSummary(String group) {
    StringBuilder text = new StringBuilder();
    for (int p = 0; p < PARTITIONS; p++) {
      text.append("\n  ").append(p).append(": ").append(on(stream(p), "XPENDING", stream(p), group).replace('\n', ' '))
          .append(" | retry zset ").append(on(stream(p), "ZRANGE", stream(p) + ":retry:" + group, "0", "-1",
              "WITHSCORES").replace('\n', ' '));
    }
    return text.toString();
  }

  private long dlqLength() {
    long total = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      total += Long.parseLong(on(dlq(p), "XLEN", dlq(p)));
    }
    return total;
  }

  @Test
  void partitionsSpreadOverTheMastersAndAGroupConsumesThemAllInStreamOrder() {
    Set<Integer> owners = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      owners.add(cluster.nodeForSlotOwner(stream(p)).port());
    }
    assertThat(owners).as("masters owning the %d partitions", PARTITIONS).hasSize(3);

    StreamBus bus = bus();
    Map<String, List<Message>> byKey = new ConcurrentHashMap<>();
    for (int s = 0; s < 2; s++) {
      await(bus.subscribe(topic, "g", m -> {
        byKey.computeIfAbsent(m.key(), k -> new CopyOnWriteArrayList<>()).add(m);
        return Future.succeededFuture();
      }, fastConsumer()));
    }
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("seq", i / 20)).key("k" + (i % 20))));
    }
    await(Future.all(sent));
    Set<Integer> used = new HashSet<>();
    sent.forEach(f -> used.add(f.result().partition()));
    assertThat(used).hasSize(PARTITIONS);
    eventually(Duration.ofSeconds(15), () -> byKey.values().stream().mapToInt(List::size).sum() == 600,
        "all 600 consumed");
    byKey.forEach((key, messages) -> {
      List<Message> inSeq = new ArrayList<>(messages);
      inSeq.sort((a, b) -> Integer.compare(a.json().getInteger("seq"), b.json().getInteger("seq")));
      assertThat(inSeq).extracting(Message::partition).as("key %s stays on one partition", key).containsOnly(
          inSeq.get(0).partition());
      assertThat(inSeq).extracting(m -> m.id().timestamp() * 1_000_000 + Long.parseLong(
          m.id().value().substring(m.id().value().indexOf('-') + 1))).as("key %s in stream order", key).isSorted();
    });
    eventually(Duration.ofSeconds(10), () -> nothingPending("g"), "everything acknowledged");

    TopicStats stats = await(bus.admin().topic(topic));
    assertThat(stats.partitions()).hasSize(PARTITIONS);
    assertThat(stats.partitions().stream().mapToLong(PartitionStats::length).sum()).isEqualTo(600);
    assertThat(stats.partitions()).allSatisfy(p -> assertThat(p.groups()).extracting(GroupStats::name)
        .containsExactly("g"));
  }

  /** publishAll's batches, one per partition, each to the master of that partition's slot; ids in the caller's order. */
  @Test
  void publishAllSendsABatchPerPartitionToItsMasterAndReturnsTheIdsInOrder() {
    StreamBus bus = bus();
    await(bus.publish(OutgoingMessage.text(topic, "registers")));
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      batch.add(OutgoingMessage.json(topic, new JsonObject().put("i", i)).key("k" + (i % 13)));
    }
    List<MessageId> ids = await(bus.publishAll(batch));
    assertThat(ids).hasSize(1_200);
    assertThat(ids).extracting(MessageId::partition).as("every partition used").containsAll(
        java.util.stream.IntStream.range(0, PARTITIONS).boxed().toList());
    for (int i = 0; i < ids.size(); i++) {
      MessageId id = ids.get(i);
      String entry = cluster.nodeForSlotOwner(stream(id.partition())).command("XRANGE", stream(id.partition()),
          id.value(), id.value());
      assertThat(entry).as("entry of message %d", i).contains("{\"i\":" + i + "}");
    }
  }

  /** The same on a cluster, where even one subscription ran on the publisher's event loop before the fix. */
  @Test
  void subscriptionsMadeAtOnceOnSeveralEventLoopsEachRunOnTheirOwn() {
    assertHandlersRunOnTheSubscribingContext(bus());
  }

  @Test
  void messagesOfADeadConsumerAreReclaimedOnEveryPartition() {
    StreamBus bus = bus();
    AtomicInteger stalled = new AtomicInteger();
    Subscription stuck = await(bus.subscribe(topic, "g", m -> {
      stalled.incrementAndGet();
      return Promise.<Void>promise().future(); // never completes
    }, fastConsumer().setConsumerName("stuck").setHandlerTimeoutMs(600_000).setCloseTimeoutMs(100)));
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(bus.publish(topic, new JsonObject().put("i", i)));
    }
    await(Future.all(sent));
    eventually(Duration.ofSeconds(10), () -> stalled.get() == 60, "the stuck consumer holds all 60");
    // it dies holding them: closed past its drain deadline, its handlers still running, its leases no longer renewed
    await(stuck.close());

    Set<Integer> done = ConcurrentHashMap.newKeySet();
    Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      done.add(m.json().getInteger("i"));
      partitions.add(m.partition());
      return Future.succeededFuture();
    }, fastConsumer().setConsumerName("healthy").setClaimMinIdleMs(500)));
    eventually(Duration.ofSeconds(15), () -> done.size() == 60, "the peer reclaimed and handled all 60");
    assertThat(partitions).hasSize(PARTITIONS);
    assertThat(count(BusMeters.RECLAIMED)).isEqualTo(60);
    eventually(Duration.ofSeconds(10), () -> nothingPending("g"), "nothing pending");
  }

  @Test
  void poisonIsDeadLetteredPerPartitionAndReplayReachesTheGroupAgain() {
    StreamBus bus = bus();
    Set<String> healed = ConcurrentHashMap.newKeySet();
    AtomicInteger good = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      String kind = m.json().getString("kind");
      if (kind.equals("poison") && !healed.contains(m.json().getString("n"))) {
        return Future.failedFuture(new IllegalStateException("poison " + m.json().getString("n")));
      }
      good.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setMaxDeliveries(2)));
    for (int i = 0; i < PARTITIONS; i++) { // round robin: one poison per partition
      await(bus.publish(topic, new JsonObject().put("kind", "poison").put("n", "p" + i)));
    }
    for (int i = 0; i < PARTITIONS; i++) {
      await(bus.publish(topic, new JsonObject().put("kind", "good")));
    }
    eventually(Duration.ofSeconds(15), () -> dlqLength() == PARTITIONS, "one poison per partition in its DLQ");
    assertThat(good.get()).isEqualTo(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(on(dlq(p), "XLEN", dlq(p))).as("dlq of partition %d", p).isEqualTo("1");
    }
    DeadLetters dead = bus.deadLetters(topic);
    assertThat(await(dead.count())).isEqualTo(PARTITIONS);
    DeadLetterPage page = await(dead.list(null, 100));
    assertThat(page.items()).extracting(DeadLetter::partition).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);

    page.items().forEach(d -> healed.add(new JsonObject(d.payload()).getString("n")));
    for (DeadLetter d : page.items()) {
      assertThat(await(dead.replay(d.ref())).partition()).isEqualTo(d.partition());
    }
    eventually(Duration.ofSeconds(15), () -> good.get() == 2 * PARTITIONS, "replayed ones handled");
    assertThat(dlqLength()).isZero();
    eventually(Duration.ofSeconds(10), () -> nothingPending("g"), "nothing pending");
  }

  @Test
  void acknowledgedEntriesAreTrimmedOnEveryPartition() {
    StreamBus bus = bus(busOptions().setTrimIntervalMs(200));
    AtomicInteger got = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      got.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      sent.add(bus.publish(topic, "m" + i));
    }
    await(Future.all(sent));
    eventually(Duration.ofSeconds(15), () -> {
      for (int p = 0; p < PARTITIONS; p++) {
        if (!"0".equals(on(stream(p), "XLEN", stream(p)))) {
          return false;
        }
      }
      return true;
    }, "every partition trimmed to nothing once acknowledged");
    assertThat(got.get()).isEqualTo(120);
    eventually(Duration.ofSeconds(5), () -> count(BusMeters.TRIMMED) == 120, "trimmed counted");
  }

  /**
   * The headline at-least-once test on the cluster: 20,000 messages over 6 partitions, 3 subscriptions of one
   * group, 10% of first deliveries fail, 50 poison messages always fail, and twice mid-stream every client socket on
   * one master is killed (CLIENT KILL). Every message is acknowledged except exactly the poison ones, which are in the
   * dead-letter streams.
   */
  @Test
  void atLeastOnceWithKilledConnectionsTransientFailuresAndPoison() {
    int total = 20_000;
    StreamBus bus = bus(busOptions().setPublishTimeoutMs(15_000));
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger handled = new AtomicInteger();
    Set<Integer> poison = new HashSet<>();
    for (int n = 0; n < total; n++) {
      if (n % 400 == 7) {
        poison.add(n);
      }
    }
    for (int s = 0; s < 3; s++) {
      await(bus.subscribe(topic, "g", m -> {
        int n = m.json().getInteger("n");
        if (poison.contains(n)) {
          return Future.failedFuture(new IllegalStateException("poison " + n));
        }
        if (m.deliveryCount() == 1 && Math.floorMod(n * 31 + 7, 10) == 0) {
          return Future.failedFuture(new RuntimeException("transient " + n));
        }
        handled.incrementAndGet();
        acked.add(n);
        return Future.succeededFuture();
      }, fastConsumer().setMaxDeliveries(3).setClaimMinIdleMs(2_000)));
    }
    List<RedisServer> masters = cluster.masters();
    for (int chunk = 0; chunk < total / 500; chunk++) {
      List<Future<MessageId>> sent = new ArrayList<>();
      for (int n = chunk * 500; n < (chunk + 1) * 500; n++) {
        sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", n)).key("k" + n)));
      }
      await(Future.all(sent));
      if (chunk == 16 || chunk == 28) {
        masters.get(chunk % 3).command("CLIENT", "KILL", "TYPE", "normal");
      }
    }
    Set<Integer> expected = new HashSet<>();
    for (int n = 0; n < total; n++) {
      if (!poison.contains(n)) {
        expected.add(n);
      }
    }
    io.streambus.testsupport.Poll.until(Duration.ofSeconds(90),
        () -> acked.size() == expected.size() && dlqLength() >= poison.size() && nothingPending("g"),
        () -> "all but the poison acknowledged and the poison dead-lettered: missing " + missing(expected, acked)
            + ", dlq " + dlqLength() + ", pending " + pendingSummary("g"));
    assertThat(acked).isEqualTo(expected);
    Set<Integer> dead = new HashSet<>();
    DeadLetterPage page = await(bus.deadLetters(topic).list(null, 1000));
    assertThat(poison).hasSize(50);
    page.items().forEach(d -> dead.add(new JsonObject(d.payload()).getInteger("n")));
    page.items().stream().filter(d -> !poison.contains(new JsonObject(d.payload()).getInteger("n"))).forEach(d ->
        System.out.println("not poison, dead-lettered: " + d.payload() + " " + d.deliveries() + " " + d.error()));
    assertThat(page.nextCursor()).isNull();
    assertThat(dead).isEqualTo(poison);
    assertThat(page.items()).as("one dead letter per poison message").hasSize(poison.size());
    System.out.printf("cluster at-least-once: %d handled for %d acknowledged (%d duplicates), %d dead-lettered%n",
        handled.get(), acked.size(), handled.get() - acked.size(), dead.size());
  }

  /**
   * The client pools the sockets of a cluster connection too; closing one that is not "tainted" recycles its sockets
   * (a parked XREADGROUP included). Closing a subscription must close its sockets on every master, and CLIENT UNBLOCK
   * must reach the node where each read is parked, so that close does not wait for BLOCK to time out.
   */
  @Test
  void closingASubscriptionClosesItsSocketsOnEveryMasterWithoutWaitingForBlock() {
    StreamBus bus = bus();
    await(bus.ping());
    await(bus.publish(topic, "registers the topic"));
    Map<Integer, Integer> before = clientsPerMaster();
    Subscription sub = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        fastConsumer().setBlockMs(30_000)));
    eventually(Duration.ofSeconds(10), () -> blockedReads() == PARTITIONS, "a read parked per partition");
    assertThat(clientsPerMaster()).allSatisfy((port, n) -> assertThat(n).isGreaterThan(before.get(port)));
    long started = System.currentTimeMillis();
    await(sub.close());
    assertThat(System.currentTimeMillis() - started).as("close time in ms").isLessThan(5_000);
    eventually(Duration.ofSeconds(5), () -> clientsPerMaster().equals(before),
        "back to " + before + " sockets per master");
  }

  private Map<Integer, Integer> clientsPerMaster() {
    Map<Integer, Integer> counts = new java.util.TreeMap<>();
    for (RedisServer m : cluster.masters()) {
      counts.put(m.port(), Integer.parseInt(infoField(m.command("INFO", "clients"), "connected_clients")));
    }
    return counts;
  }

  private int blockedReads() {
    int n = 0;
    for (RedisServer m : cluster.masters()) {
      n += Integer.parseInt(infoField(m.command("INFO", "clients"), "blocked_clients"));
    }
    return n;
  }

  static String infoField(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new AssertionError("no " + field + " in " + info);
  }
}
