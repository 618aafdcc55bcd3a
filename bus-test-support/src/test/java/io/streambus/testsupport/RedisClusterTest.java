package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RedisClusterTest {

    // Valkey too: hosted Valkey is often a cluster, and its nodes are created with valkey-cli.
    @ParameterizedTest
    @EnumSource(value = RedisFlavor.class, names = {"SYSTEM", "VALKEY"})
    void keysLandOnTheirSlotOwners(RedisFlavor flavor) {
        long t0 = System.nanoTime();
        try (RedisCluster cluster = RedisCluster.start(flavor, 3, 0, node -> new String[0])) {
            System.out.printf("%s cluster 3+0 started in %d ms%n", flavor, (System.nanoTime() - t0) / 1_000_000);
            assertThat(cluster.flavor()).isEqualTo(flavor);
            assertThat(cluster.nodes()).hasSize(3);
            assertThat(cluster.masters()).containsExactlyInAnyOrderElementsOf(cluster.nodes());
            assertThat(cluster.uris()).hasSize(3).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
            assertThat(cluster.nodes()).allMatch(node -> node.server().startsWith(flavor.expectedServer()));

            RedisServer any = cluster.nodes().get(0);
            assertThat(any.command("CLUSTER", "KEYSLOT", "{orders:0}"))
                    .isNotEqualTo(any.command("CLUSTER", "KEYSLOT", "{orders:1}"));
            assertThat(any.command("CLUSTER", "KEYSLOT", "{orders:0}:dlq"))
                    .isEqualTo(any.command("CLUSTER", "KEYSLOT", "{orders:0}"));

            Set<RedisServer> owners = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                String key = "{orders:" + i + "}";
                RedisServer owner = cluster.nodeForSlotOwner(key);
                owners.add(owner);
                assertThat(owner.command("SET", key, "v" + i)).isEqualTo("OK");
                assertThat(owner.command("GET", key)).isEqualTo("v" + i);
                for (RedisServer other : cluster.nodes()) {
                    if (other != owner) {
                        assertThatThrownBy(() -> other.command("GET", key))
                                .isInstanceOf(RedisReplyException.class)
                                .hasMessageStartingWith("MOVED");
                    }
                }
            }
            assertThat(owners).as("keys spread over several masters").hasSizeGreaterThan(1);
            cluster.awaitHealthy(Duration.ofSeconds(5));
        }
    }

    @Test
    void replicaTakesOverWhenItsMasterIsKilled() {
        long t0 = System.nanoTime();
        try (RedisCluster cluster = RedisCluster.start(3, 1)) {
            System.out.printf("cluster 3+1 started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(cluster.nodes()).hasSize(6);
            List<RedisServer> mastersBefore = cluster.masters();
            assertThat(mastersBefore).hasSize(3);

            String key = "{orders:0}";
            RedisServer owner = cluster.nodeForSlotOwner(key);
            // WAIT only covers writes made on its own connection, and command() opens one per call.
            assertThat(onOneConnection(owner, new String[] {"SET", key, "before-failover"},
                    new String[] {"WAIT", "1", "5000"})).containsExactly("OK", 1L);

            long killedAt = System.nanoTime();
            owner.kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            System.out.printf("failover took %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);

            RedisServer newOwner = cluster.nodeForSlotOwner(key);
            assertThat(newOwner).isNotSameAs(owner);
            assertThat(newOwner.isRunning()).isTrue();
            assertThat(mastersBefore).doesNotContain(newOwner);
            assertThat(cluster.masters()).hasSize(3).doesNotContain(owner).contains(newOwner);
            assertThat(newOwner.command("GET", key)).isEqualTo("before-failover");

            // The old master comes back with its nodes.conf and rejoins as a replica of the new owner.
            long restartedAt = System.nanoTime();
            owner.start();
            Poll.until(Duration.ofSeconds(20),
                    () -> "slave".equals(RedisServer.infoField(owner.command("INFO", "replication"), "role")),
                    () -> "old master did not become a replica: " + owner.command("INFO", "replication"));
            System.out.printf("old master rejoined as replica in %d ms%n",
                    (System.nanoTime() - restartedAt) / 1_000_000);
            cluster.awaitHealthy(Duration.ofSeconds(10));
            assertThat(cluster.masters()).hasSize(3).doesNotContain(owner);
        }
    }

    private static List<Object> onOneConnection(RedisServer server, String[]... commands) {
        try (Socket socket = new Socket(server.host(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            for (String[] command : commands) {
                Resp.write(out, command);
            }
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<Object> replies = new ArrayList<>();
            for (int i = 0; i < commands.length; i++) {
                replies.add(Resp.read(in));
            }
            return replies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
