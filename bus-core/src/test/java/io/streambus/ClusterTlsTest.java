package io.streambus;

import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.TestCertificates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 3-master cluster that speaks TLS to clients and between nodes ({@code tls-cluster yes}), clients verified by
 * certificate: the bus is given one node's TLS port and learns the others' from the slot map it reads over TLS (a
 * plain port there would fail the handshake), and publishes, consumes and dead-letters on every master.
 */
@Tag("cluster")
class ClusterTlsTest extends BusTestBase {
  private TestCertificates certs;
  private RedisCluster cluster;

  @AfterEach
  void stop() {
    closeBuses();
    if (cluster != null) {
      cluster.close();
    }
    if (certs != null) {
      certs.close();
    }
  }

  @Test
  void publishesConsumesAndDeadLettersOnEveryMasterOverTls() {
    certs = TestCertificates.create();
    List<Integer> tlsPorts = new CopyOnWriteArrayList<>();
    cluster = RedisCluster.start(3, 0, node -> {
      int port = Ports.free();
      tlsPorts.add(port);
      List<String> args = new java.util.ArrayList<>(List.of(certs.serverArgs(port)));
      args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
      return args.toArray(String[]::new);
    });
    StreamBus bus = bus(new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(List.of("rediss://127.0.0.1:" + tlsPorts.get(0)))
        .setTlsCaPemPath(certs.file("ca.crt")).setTlsCertPemPath(certs.file("client.crt"))
        .setTlsKeyPemPath(certs.file("client.key")).setKeyPrefix("test").setPartitions(ClusterTest.PARTITIONS));
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      int n = m.json().getInteger("n");
      if (n % 100 == 0) {
        return Future.failedFuture(new BusException.NonRetryable("poison " + n));
      }
      seen.add(n);
      return Future.succeededFuture();
    }, fastConsumer()));
    for (int n = 1; n <= 600; n++) {
      await(bus.publish(topic, new JsonObject().put("n", n)));
    }
    eventually(Duration.ofSeconds(30), () -> seen.size() == 594, "594 consumed over TLS");
    assertThat(seen).containsAll(IntStream.rangeClosed(1, 600).filter(n -> n % 100 != 0).boxed().toList());
    eventually(Duration.ofSeconds(10), () -> await(bus.deadLetters(topic).count()) == 6, "6 dead letters");
    Set<Integer> mastersUsed = ConcurrentHashMap.newKeySet();
    for (int p = 0; p < ClusterTest.PARTITIONS; p++) {
      mastersUsed.add(cluster.nodeForSlotOwner(stream(p)).port());
    }
    assertThat(mastersUsed).as("partitions spread over the masters").hasSize(3);
    for (int i = 0; i < 3; i++) {
      String tlsAddress = "laddr=127.0.0.1:" + tlsPorts.get(i) + " ";
      assertThat(cluster.nodes().get(i).command("CLIENT", "LIST", "TYPE", "normal")).as("node %d's clients", i)
          .contains(tlsAddress);
    }
  }
}
