package io.streambus;

import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live resharding: a partition's slot moves to another master (its stream, with the group and its pending entries,
 * and the partition's other keys) while the bus publishes and consumes on it, with two seconds in which the keys are
 * on the new master but the old one still owns the slot (ASK redirections, TRYAGAIN for scripts whose keys are split).
 */
@Tag("cluster")
class ClusterReshardTest extends BusTestBase {
  private static final int MESSAGES = 3_000;
  private RedisCluster cluster;

  @AfterEach
  void stopCluster() {
    closeBuses();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPartitionMovedToAnotherMasterMidStreamLosesNothing() {
    cluster = RedisCluster.start(3, 0);
    StreamBus bus = bus(ClusterTest.clusterOptions(cluster).setPartitions(3).setPublishTimeoutMs(30_000));
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger failedOnce = new AtomicInteger();
    for (int s = 0; s < 2; s++) {
      await(bus.subscribe(topic, "g", m -> {
        int n = m.json().getInteger("n");
        // every 50th message fails once: its retry (zset + claim script) lives in the moving slot too
        if (n % 50 == 0 && m.deliveryCount() == 1) {
          failedOnce.incrementAndGet();
          return Future.failedFuture(new IllegalStateException("once"));
        }
        seen.add(n);
        return Future.succeededFuture();
      }, fastConsumer()));
    }
    List<Future<MessageId>> published = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    // paced on a Vert.x timer (up to 1,000 a second), so that the migration happens in the middle of the traffic
    long timer = vertx.setPeriodic(2, t -> {
      for (int i = 0; i < 2 && next.get() < MESSAGES; i++) {
        int n = next.getAndIncrement();
        synchronized (published) {
          published.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", n)).key("k" + n)));
        }
      }
    });
    try {
      Poll.until(Duration.ofSeconds(30), () -> next.get() >= MESSAGES / 3, () -> "a third published");
      RedisServer owner = cluster.nodeForSlotOwner(stream(0));
      RedisServer target = cluster.masters().stream().filter(m -> m != owner).findFirst().orElseThrow();
      int before = next.get();
      cluster.migrateSlotOf(stream(0), target, Duration.ofSeconds(2));
      int during = next.get() - before;
      System.out.printf("reshard: %d of %d messages published while the slot moved%n", during, MESSAGES);
      assertThat(during).as("published while the slot moved").isGreaterThan(200);
      assertThat(cluster.nodeForSlotOwner(stream(0))).isSameAs(target);
      assertThat(target.command("XLEN", stream(0))).as("the stream is on the new master").isNotEqualTo("0");
      Poll.until(Duration.ofSeconds(60), () -> next.get() >= MESSAGES, () -> "all published");
    } finally {
      vertx.cancelTimer(timer);
    }
    List<Future<MessageId>> all;
    synchronized (published) {
      all = new ArrayList<>(published);
    }
    Poll.until(Duration.ofSeconds(60), () -> all.stream().allMatch(Future::isComplete), () -> "publishes answered");
    assertThat(all).as("publishes").allMatch(Future::succeeded);
    Poll.until(Duration.ofSeconds(60), () -> seen.size() == MESSAGES && settled(bus),
        () -> (MESSAGES - seen.size()) + " not consumed: "
            + IntStream.range(0, MESSAGES).filter(n -> !seen.contains(n)).limit(20).boxed().toList() + "; "
            + await(bus.admin().topic(topic)).toJson().encode());
    assertThat(failedOnce.get()).as("first deliveries failed on purpose").isBetween(1, MESSAGES / 50);
    assertThat(await(bus.deadLetters(topic).count())).isZero();
  }
}
