package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ManagedRedisTest {

    @ParameterizedTest
    @EnumSource(value = RedisFlavor.class, names = {"SYSTEM", "VALKEY"})
    void aClusterRefusesWhatElastiCacheRefusesAndFailsOverOnRequest(RedisFlavor flavor) throws IOException {
        long t0 = System.nanoTime();
        try (ManagedRedis managed = ManagedRedis.create("bus:*");
                RedisCluster cluster = managed.startCluster(flavor)) {
            System.out.printf("%s managed cluster 3+3 (TLS only, ACL users, barred commands) started in %d ms%n",
                    flavor, (System.nanoTime() - t0) / 1_000_000);
            assertThat(cluster.masters()).hasSize(3);
            assertThat(cluster.replicas()).hasSize(3);
            assertThat(cluster.uris()).allMatch(uri -> uri.startsWith("rediss://127.0.0.1:"));
            RedisServer master = cluster.nodeForSlotOwner("bus:{t:0}");
            ServerAccess app = new ServerAccess(ManagedRedis.APP_USER, managed.appPassword(),
                    testCertificatesOf(managed));

            // the application's work goes through; the barred commands are unknown, as on ElastiCache
            assertThat(Resp.callAs(master.host(), master.port(), app, "XADD", "bus:{t:0}", "*", "f", "v")).isNotNull();
            for (String barred : ManagedRedis.BARRED) {
                assertThatThrownBy(() -> master.command(barred, "x"))
                        .as(barred).isInstanceOf(RedisReplyException.class)
                        .hasMessageStartingWith("ERR unknown command");
            }
            // subcommands and commands outside the roles: NOPERM for the application user
            for (String[] refused : List.of(new String[] {"KEYS", "*"}, new String[] {"ACL", "SETUSER", "x"},
                    new String[] {"CLUSTER", "ADDSLOTS", "1"}, new String[] {"CLUSTER", "FAILOVER"},
                    new String[] {"XADD", "other:{t:0}", "*", "f", "v"})) {
                assertThatThrownBy(() -> Resp.callAs(master.host(), master.port(), app, refused))
                        .as(String.join(" ", refused)).isInstanceOf(RedisReplyException.class)
                        .hasMessageStartingWith("NOPERM");
            }
            // the default user is off, and the port speaks TLS only
            assertThatThrownBy(() -> Resp.callAs(master.host(), master.port(),
                    new ServerAccess(null, null, testCertificatesOf(managed)), "PING"))
                    .isInstanceOf(RedisReplyException.class).hasMessageStartingWith("NOAUTH");
            assertThat(plainPingAnswer(master)).doesNotStartWith("+PONG");

            // the harness (admin) promotes a replica; the old master follows it
            RedisServer replica = cluster.replicas().get(0);
            cluster.failover(replica);
            assertThat(cluster.masters()).hasSize(3).contains(replica);

            // SHUTDOWN is barred: stop() ends the server by signal
            RedisServer stopped = cluster.replicas().get(0);
            stopped.stop();
            assertThat(stopped.isRunning()).isFalse();
        }
    }

    private static javax.net.ssl.SSLSocketFactory testCertificatesOf(ManagedRedis managed) {
        return managed.certificates().trustingSocketFactory();
    }

    /** What a client speaking plain RESP gets from a TLS-only port: nothing usable (closed, or TLS alert bytes). */
    private static String plainPingAnswer(RedisServer server) throws IOException {
        try (Socket socket = Resp.connect(server.host(), server.port(), 2_000, 2_000)) {
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(5);
            return new String(answer, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString(); // reset or timeout: no PONG either
        }
    }
}
