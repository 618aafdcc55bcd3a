package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private static RedisServer redis;
    private FaultProxy proxy;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(redis.host(), redis.port());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void forwardsCommands() throws IOException {
        assertThat(proxy.port()).isNotEqualTo(redis.port());
        assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
        try (Socket socket = connect()) {
            assertThat(ping(socket)).isEqualTo("PONG");
            Poll.until(Duration.ofSeconds(5), () -> proxy.connectionCount() == 1,
                    () -> "connectionCount " + proxy.connectionCount());
        }
        Poll.until(Duration.ofSeconds(5), () -> proxy.connectionCount() == 0,
                () -> "connection not released: " + proxy.connectionCount());
    }

    @Test
    void dropConnectionsBreaksOpenSocketsButAcceptsNewOnes() throws IOException {
        try (Socket socket = connect()) {
            assertThat(ping(socket)).isEqualTo("PONG");
            Poll.until(Duration.ofSeconds(5), () -> proxy.connectionCount() == 1,
                    () -> "connectionCount " + proxy.connectionCount());

            proxy.dropConnections();

            assertThat(proxy.connectionCount()).isZero();
            assertBroken(socket);
        }
        try (Socket fresh = connect()) {
            assertThat(ping(fresh)).isEqualTo("PONG");
        }
    }

    @Test
    void refuseClosesCurrentAndNewConnectionsUntilTurnedOff() throws IOException {
        try (Socket before = connect()) {
            assertThat(ping(before)).isEqualTo("PONG");
            Poll.until(Duration.ofSeconds(5), () -> proxy.connectionCount() == 1,
                    () -> "connectionCount " + proxy.connectionCount());

            proxy.refuse(true);

            assertBroken(before);
            try (Socket during = connect()) {
                assertBroken(during);
            } catch (IOException refusedOutright) {
                // Also acceptable: the connect itself failed.
            }
            assertThat(proxy.connectionCount()).isZero();
        }
        proxy.refuse(false);
        try (Socket after = connect()) {
            assertThat(ping(after)).isEqualTo("PONG");
        }
    }

    @Test
    void carriesLargeValuesAndPipelinedTraffic() throws IOException {
        char[] chars = new char[8 * 1024 * 1024];
        Arrays.fill(chars, 'x');
        chars[chars.length - 1] = 'y';
        String big = new String(chars);
        long t0 = System.nanoTime();
        assertThat(Resp.call("127.0.0.1", proxy.port(), null, "SET", "big", big)).isEqualTo("OK");
        assertThat(Resp.call("127.0.0.1", proxy.port(), null, "GET", "big")).isEqualTo(big);

        int pipelined = 20_000;
        try (Socket socket = connect()) {
            OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            for (int i = 0; i < pipelined; i++) {
                Resp.write(out, "INCR", "n");
            }
            out.flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            Object last = null;
            for (int i = 0; i < pipelined; i++) {
                last = Resp.read(in);
            }
            assertThat(last).isEqualTo((long) pipelined);
        }
        System.out.printf("16 MiB round trip + %d pipelined INCRs through the proxy: %d ms%n",
                pipelined, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aHeldReplyIsLostWithItsConnectionAfterTheTargetActed() throws IOException {
        try (Socket socket = connect()) {
            incrWithTheReplyHeld(socket, "held-lost");
            proxy.dropConnections();
            proxy.holdReplies(false);
            // the reply (":1") never arrives: the socket reads an end or a reset, nothing else
            assertBroken(socket);
        }
        assertThat(redis.command("GET", "held-lost")).isEqualTo("1");
    }

    @Test
    void heldRepliesGoOnWhenReleased() throws IOException {
        try (Socket socket = connect()) {
            incrWithTheReplyHeld(socket, "held-released");
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).as("no reply while held")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            socket.setSoTimeout(5_000);
            proxy.holdReplies(false);
            assertThat(Resp.read(socket.getInputStream())).isEqualTo(1L);
            assertThat(ping(socket)).isEqualTo("PONG");
        }
    }

    @Test
    void deadTargetClosesTheClient() throws IOException {
        try (FaultProxy nowhere = FaultProxy.start("127.0.0.1", Ports.free());
             Socket socket = new Socket("127.0.0.1", nowhere.port())) {
            socket.setSoTimeout(5_000);
            assertBroken(socket);
        }
    }

    /** With replies held, sends {@code INCR key} and waits until Redis has acted on it. */
    private void incrWithTheReplyHeld(Socket socket, String key) throws IOException {
        proxy.holdReplies(true);
        Resp.write(socket.getOutputStream(), "INCR", key);
        socket.getOutputStream().flush();
        Poll.until(Duration.ofSeconds(5), () -> "1".equals(redis.command("GET", key)),
                () -> "the target did not act on the request");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String ping(Socket socket) throws IOException {
        Resp.write(socket.getOutputStream(), "PING");
        socket.getOutputStream().flush();
        return (String) Resp.read(socket.getInputStream());
    }

    /** The socket must be dead: a request gets no reply but an EOF or a reset. */
    private static void assertBroken(Socket socket) {
        try {
            Resp.write(socket.getOutputStream(), "PING");
            socket.getOutputStream().flush();
            int b = socket.getInputStream().read();
            assertThat(b).as("read after the connection was cut").isEqualTo(-1);
        } catch (IOException expected) {
            assertThat(expected).isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
    }
}
