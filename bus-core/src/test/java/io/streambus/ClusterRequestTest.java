package io.streambus;

import io.streambus.BusException.RequestFailed;
import io.streambus.testsupport.BuildConsole;
import io.streambus.testsupport.RedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests on a real 3-master Redis Cluster: the partitions of a topic, the presence sets and the two requesters' reply
 * streams spread over the masters, every command on keys of one slot; every reply reaches the request it answers.
 */
@Tag("cluster")
class ClusterRequestTest extends BusTestBase {
  static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected BusOptions busOptions() {
    return ClusterTest.clusterOptions(cluster);
  }

  @Override
  protected String on(String key, String... args) {
    return cluster.nodeForSlotOwner(key).command(args);
  }

  @Test
  void requestsOverEveryPartitionAreAnsweredToTheBusThatAsked() {
    StreamBus a = bus();
    StreamBus b = bus();
    Set<String> replyTo = ConcurrentHashMap.newKeySet();
    Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 2; i++) {
      await(bus().respond(topic, "echo", r -> {
        replyTo.add(r.header("bus-reply-to"));
        partitions.add(r.partition());
        Promise<OutgoingReply> p = Promise.promise();
        vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(10),
            t -> p.complete(OutgoingReply.text("re:" + r.text()).header("partition", "" + r.partition())));
        return p.future();
      }, fastConsumer()));
    }
    int n = 300;
    List<Future<Reply>> fromA = new ArrayList<>();
    List<Future<Reply>> fromB = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fromA.add(a.request(OutgoingMessage.text(topic, "a" + i).key("k" + i), 60_000));
      fromB.add(b.request(OutgoingMessage.text(topic, "b" + i).key("k" + i), 60_000));
    }
    for (int i = 0; i < n; i++) {
      assertThat(await(fromA.get(i)).text()).isEqualTo("re:a" + i);
      assertThat(await(fromB.get(i)).text()).isEqualTo("re:b" + i);
    }
    assertThat(partitions).hasSize(ClusterTest.PARTITIONS);
    assertThat(replyTo).hasSize(2);
    Set<String> nodes = new HashSet<>();
    for (String instance : replyTo) {
      String inbox = "test:{replies:" + instance + "}";
      assertThat(on(inbox, "EXISTS", inbox)).isEqualTo("1");
      nodes.add(cluster.nodeForSlotOwner(inbox).uri());
    }
    // each request handed over once; a request answered twice (at least once: a peer reclaimed it from a member
    // that stalled past the claim min idle) had its second answer dropped and counted, never handed over
    eventually(Duration.ofSeconds(10),
        () -> count(BusMeters.REQUEST_LATE) == count(BusMeters.REQUEST_ANSWERED) - 2L * n,
        () -> "late " + count(BusMeters.REQUEST_LATE) + ", answered " + count(BusMeters.REQUEST_ANSWERED));
    assertThat(count(BusMeters.REQUEST_REPLIED)).isEqualTo(2L * n);
    BuildConsole.println("ClusterRequestTest: " + 2 * n + " requests over " + ClusterTest.PARTITIONS
        + " partitions answered to their own bus; the 2 reply streams on " + nodes.size() + " master(s); "
        + count(BusMeters.REQUEST_LATE) + " second answers dropped");

    // the presence is per partition, on the partition's master: a topic nobody serves fails at once everywhere
    for (int i = 0; i < 12; i++) {
      Throwable e = awaitFailure(a.request(OutgoingMessage.text(topic + "-unserved", "x").key("k" + i), 10_000));
      assertThat(e).isInstanceOf(RequestFailed.class);
      assertThat(((RequestFailed) e).kind()).isEqualTo(RequestFailed.Kind.NO_RESPONDER);
    }
  }
}
