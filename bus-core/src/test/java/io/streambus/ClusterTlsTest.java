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

  /** Starts the TLS cluster; its nodes' TLS ports, in start order. */
  private List<Integer> startTlsCluster() {
    certs = TestCertificates.create();
    List<Integer> tlsPorts = new CopyOnWriteArrayList<>();
    cluster = RedisCluster.start(3, 0, node -> {
      int port = Ports.free();
      tlsPorts.add(port);
      List<String> args = new java.util.ArrayList<>(List.of(certs.serverArgs(port)));
      args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
      return args.toArray(String[]::new);
    });
    return tlsPorts;
  }

  private BusOptions options(int seedPort) {
    return new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(List.of("rediss://app:secret-password@127.0.0.1:" + seedPort))
        .setTlsCaPemPath(certs.file("ca.crt")).setTlsCertPemPath(certs.file("client.crt"))
        .setTlsKeyPemPath(certs.file("client.key")).setKeyPrefix("test").setPartitions(ClusterTest.PARTITIONS);
  }

  /**
   * docs/security.md: a CA that did not sign the servers' certificates fails at once with "TLS handshake with Redis
   * failed" and the address tried, on a cluster as on one server, instead of being retried until the deadline as if
   * Redis were down (the cluster client reports every node's failure in one message, no cause attached).
   */
  @Test
  void aWrongCaFailsFastNamingTheAddress() {
    List<Integer> tlsPorts = startTlsCluster();
    StreamBus bus = bus(options(tlsPorts.get(0)).setTlsCaPemPath(certs.file("other-ca.crt"))
        .setPublishTimeoutMs(20_000));
    long started = System.currentTimeMillis();
    Throwable ping = awaitFailure(bus.ping());
    Throwable publish = awaitFailure(bus.publish(topic, "never stored"));
    Throwable subscribe = awaitFailure(bus.subscribe(topic, "g", m -> Future.succeededFuture(), fastConsumer()));
    long ms = System.currentTimeMillis() - started;
    System.out.printf("wrong CA on a cluster: ping, publish and subscribe failed in %d ms in all; ping: %s%n", ms,
        ping.getMessage());
    assertThat(ms).as("ms for the three to fail (their deadlines are 20 s)").isLessThan(5_000);
    for (Throwable e : List.of(ping, publish, subscribe)) {
      assertThat(e).hasMessageContaining("TLS handshake with Redis failed")
          .hasMessageContaining("127.0.0.1:" + tlsPorts.get(0)).hasMessageNotContaining("secret-password");
    }
  }

  @Test
  void publishesConsumesAndDeadLettersOnEveryMasterOverTls() {
    List<Integer> tlsPorts = startTlsCluster();
    StreamBus bus = bus(options(tlsPorts.get(0)).setConnectionStrings(List.of("rediss://127.0.0.1:" + tlsPorts.get(0))));
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
      long sentAt = System.currentTimeMillis();
      try {
        await(bus.publish(topic, new JsonObject().put("n", n)));
      } catch (BusException e) {
        throw new AssertionError("publish " + n + " failed after " + (System.currentTimeMillis() - sentAt) + " ms",
            e);
      }
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
