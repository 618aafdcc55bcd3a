package io.streambus;

import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisSentinel;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sentinel topology: the bus finds the master through the Sentinel and follows it through a failover the Sentinel
 * runs (the old master is demoted and its clients disconnected) and through the death of a master (its replica is
 * promoted once the Sentinel has seen it down). The data is replicated before each failover, so nothing may be lost.
 */
@Tag("sentinel")
@Tag("slow") // kills and fails over masters (~20 s): run once, on Redis 7, not on every server flavor
class SentinelTest extends BusTestBase {
  private RedisSentinel setup;

  @AfterEach
  void stopSentinel() {
    closeBuses();
    if (setup != null) {
      setup.close();
    }
  }

  @Test
  void publishingAndConsumingFollowTheMasterThroughAFailoverAndAMasterDeath() {
    setup = RedisSentinel.start();
    StreamBus bus = bus(options());
    Set<Integer> seen = consumeInto(bus);

    publishAndConsume(bus, seen, 0, 300);
    RedisServer first = setup.master();
    awaitReplicated(first);

    long failoverStarted = System.nanoTime();
    RedisServer second = setup.failover();
    assertThat(second).isNotSameAs(first);
    // Until the bus hears of the switch it still writes to the old master, which the Sentinel demotes seconds later,
    // discarding those writes (Redis Sentinel's documented window; WAIT narrows it): wait until the bus has left.
    Poll.until(Duration.ofSeconds(5), () -> busClients(first) == 0,
        () -> "the bus left the old master: " + first.command("CLIENT", "LIST", "TYPE", "normal"));
    long left = (System.nanoTime() - failoverStarted) / 1_000_000;
    publishAndConsume(bus, seen, 300, 600);
    long afterFailover = (System.nanoTime() - failoverStarted) / 1_000_000;
    assertThat(entries(second)).as("entries on the new master").isEqualTo(600);

    awaitReplicated(second);
    long killedAt = System.nanoTime();
    second.kill();
    publishAndConsume(bus, seen, 600, 900);
    long afterKill = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(setup.master()).isSameAs(first);
    assertThat(seen).containsAll(IntStream.range(0, 900).boxed().toList());
    System.out.printf("sentinel: the bus left the old master %d ms after SENTINEL FAILOVER began; 300 published and"
        + " consumed %d ms after it began, and %d ms after the master was killed%n", left, afterFailover, afterKill);
  }

  /**
   * Three Sentinels; the one the bus listens to for {@code +switch-master} dies, then another runs a failover: the bus
   * finds a live Sentinel, sees that the master moved while it was not listening, and follows.
   */
  @Test
  void aFailoverIsFollowedWhenTheSentinelTheBusListenedToIsGone() {
    setup = RedisSentinel.start(3);
    StreamBus bus = bus(options());
    Set<Integer> seen = consumeInto(bus);
    publishAndConsume(bus, seen, 0, 300);
    RedisServer listenedTo = Poll.until(Duration.ofSeconds(10), () -> setup.sentinels().stream()
        .filter(s -> s.command("CLIENT", "LIST").contains(" sub=1 ")).findFirst().orElse(null),
        s -> s != null, "the Sentinel with the bus's subscription");
    listenedTo.kill();
    RedisServer first = setup.master();
    awaitReplicated(first);
    RedisServer second = setup.failover();
    Poll.until(Duration.ofSeconds(15), () -> busClients(first) == 0,
        () -> "the bus left the old master: " + first.command("CLIENT", "LIST", "TYPE", "normal"));
    publishAndConsume(bus, seen, 300, 600);
    assertThat(entries(second)).as("entries on the new master").isEqualTo(600);
  }

  private BusOptions options() {
    return new BusOptions().setConnectionStrings(setup.sentinelUris()).setTopology(BusOptions.Topology.SENTINEL)
        .setSentinelMasterName(RedisSentinel.MASTER_NAME).setKeyPrefix("test").setPublishTimeoutMs(30_000)
        .setReconnectMaxMs(200).setPartitions(2);
  }

  /** Subscribes group "g"; the set collects each consumed message's number. */
  private Set<Integer> consumeInto(StreamBus bus) {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      seen.add(m.json().getInteger("n"));
      return Future.succeededFuture();
    }, fastConsumer()));
    return seen;
  }

  /** Publishes {@code [from, to)}, requires every publish to succeed, and waits until all are consumed and acked. */
  private void publishAndConsume(StreamBus bus, Set<Integer> seen, int from, int to) {
    List<Future<MessageId>> published = new ArrayList<>();
    for (int n = from; n < to; n++) {
      published.add(bus.publish(topic, new JsonObject().put("n", n)));
    }
    Poll.until(Duration.ofSeconds(60), () -> published.stream().allMatch(Future::isComplete),
        () -> "publishes " + from + ".." + to + " still waiting");
    assertThat(published).as("publishes " + from + ".." + to).allMatch(Future::succeeded);
    Poll.until(Duration.ofSeconds(60), () -> IntStream.range(from, to).allMatch(seen::contains) && settled(bus),
        () -> "consumed " + from + ".." + to + ", nothing pending: "
            + IntStream.range(from, to).filter(n -> !seen.contains(n)).count() + " not consumed");
  }

  /** Connections of the bus on {@code node}: everything but the Sentinel's and this CLIENT LIST's own. */
  private static long busClients(RedisServer node) {
    return node.command("CLIENT", "LIST", "TYPE", "normal").lines()
        .filter(l -> !l.contains(" name=sentinel-") && !l.contains(" cmd=client|list")).count();
  }

  private long entries(RedisServer node) {
    return Long.parseLong(node.command("XLEN", stream(0))) + Long.parseLong(node.command("XLEN", stream(1)));
  }

  /** Waits until every replica of {@code master} has its whole replication stream (acks included). */
  private void awaitReplicated(RedisServer master) {
    Poll.until(Duration.ofSeconds(20), () -> {
      String info = master.command("INFO", "replication");
      String offset = info.replaceAll("(?s).*master_repl_offset:(\\d+).*", "$1");
      return info.contains("slave0:") && info.replaceAll("(?s).*slave0:[^\\n]*offset=(\\d+).*", "$1").equals(offset);
    }, () -> "the replica caught up with " + master);
  }
}
