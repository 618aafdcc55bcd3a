package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ServerlessProxyTest {

    private static RedisServer redis;
    private static RedisServer valkey;

    @BeforeAll
    static void start() {
        redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).start();
    }

    @AfterAll
    static void stop() {
        redis.close();
        if (valkey != null) {
            valkey.close();
        }
    }

    private static RedisServer server(RedisFlavor flavor) {
        if (flavor == RedisFlavor.SYSTEM) {
            return redis;
        }
        if (valkey == null) {
            valkey = RedisServer.builder().flavor(RedisFlavor.VALKEY).start();
        }
        return valkey;
    }

    /** Pipelined: each refusal comes back in its request's place, between the replies of what went through. */
    @ParameterizedTest
    @EnumSource(value = RedisFlavor.class, names = {"SYSTEM", "VALKEY"})
    void refusesWhatServerlessRefusesInOrderAndPassesTheRest(RedisFlavor flavor) throws IOException {
        RedisServer target = server(flavor);
        String[] tooMany = new String[2 + ServerlessRules.MAX_ARGUMENTS - 1];
        String[] justEnough = new String[ServerlessRules.MAX_ARGUMENTS];
        tooMany[0] = "RPUSH";
        justEnough[0] = "RPUSH";
        tooMany[1] = "list-" + flavor;
        justEnough[1] = "list-" + flavor;
        for (int i = 2; i < tooMany.length; i++) {
            tooMany[i] = "x";
        }
        for (int i = 2; i < justEnough.length; i++) {
            justEnough[i] = "x";
        }
        try (FaultProxy proxy = FaultProxy.startServerless(target.host(), target.port());
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            List<String[]> requests = List.of(new String[] {"SET", "k", "v"}, new String[] {"WAIT", "1", "100"},
                    new String[] {"client", "id"}, new String[] {"CLIENT", "SETNAME", "fine"},
                    new String[] {"EVAL", "return 1", "0"}, new String[] {"EVAL", "return redis.call('GET', KEYS[1])",
                        "1", "k"}, new String[] {"KEYS", "*"}, tooMany, justEnough,
                    new String[] {"GET", "k"});
            for (String[] request : requests) {
                Resp.write(out, request);
            }
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<Object> replies = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                try {
                    replies.add(Resp.read(in));
                } catch (RedisReplyException e) {
                    replies.add("-" + e.getMessage());
                }
            }
            assertThat(replies).containsExactly("OK",
                    "-ERR unknown command 'WAIT', with args beginning with: '1' '100' ",
                    "-ERR unknown subcommand 'id'. Try CLIENT HELP.",
                    "OK",
                    "-ERR Lua scripts without any input keys are not supported.",
                    "v",
                    "-ERR unknown command 'KEYS', with args beginning with: '*' ",
                    "-ERR Request has more than 3999 arguments.",
                    (long) ServerlessRules.MAX_ARGUMENTS - 2,
                    "v");
            assertThat(proxy.refusals()).isEqualTo(Map.of("WAIT", 1, "CLIENT ID", 1, "EVAL without keys", 1, "KEYS", 1,
                    "more than 3999 arguments", 1));
            assertThat(target.command("LLEN", "list-" + flavor)).as("only the request within the limit ran")
                    .isEqualTo(String.valueOf(ServerlessRules.MAX_ARGUMENTS - 2));
        }
    }

    /** Idle connections go, at most as many as asked; one waiting for its reply stays and gets it. */
    @Test
    void dropsIdleConnectionsOnlyAndNoMoreThanAsked() throws IOException {
        try (FaultProxy proxy = FaultProxy.startServerless(redis.host(), redis.port());
                Socket busy = new Socket("127.0.0.1", proxy.port())) {
            busy.setSoTimeout(10_000);
            Resp.write(busy.getOutputStream(), "BLPOP", "wakes-busy", "0");
            busy.getOutputStream().flush();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket("127.0.0.1", proxy.port());
                    socket.setSoTimeout(5_000);
                    Resp.write(socket.getOutputStream(), "PING");
                    socket.getOutputStream().flush();
                    assertThat(Resp.read(socket.getInputStream())).isEqualTo("PONG");
                    idle.add(socket);
                }
                Poll.until(Duration.ofSeconds(5), () -> proxy.connectionCount() == 4, () -> "4 connections, not "
                        + proxy.connectionCount());
                Poll.until(Duration.ofSeconds(5), () -> redis.command("CLIENT", "LIST").contains("cmd=blpop"),
                        () -> "the BLPOP reached the server");

                proxy.dropNowAndThen(42, Duration.ofMillis(5), Duration.ofMillis(20), 2);
                Poll.until(Duration.ofSeconds(10), () -> proxy.drops() == 2, () -> "drops " + proxy.drops());

                // the drop loop ended at its bound: one idle connection and the busy one are left
                assertThat(proxy.drops()).isEqualTo(2);
                assertThat(proxy.connectionCount()).isEqualTo(2);
                int answering = 0;
                for (Socket socket : idle) {
                    try {
                        Resp.write(socket.getOutputStream(), "PING");
                        socket.getOutputStream().flush();
                        if ("PONG".equals(Resp.read(socket.getInputStream()))) {
                            answering++;
                        }
                    } catch (IOException dropped) {
                        // one of the two dropped
                    }
                }
                assertThat(answering).isEqualTo(1);
                redis.command("RPUSH", "wakes-busy", "done");
                assertThat(Resp.read(busy.getInputStream())).isEqualTo(List.of("wakes-busy", "done"));
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    /** The endpoint presents one node owning every slot at the proxy's address, and refuses as Serverless does. */
    @Test
    void aServerlessEndpointIsOneNodeOwningEverySlotAtTheProxysAddress() {
        try (ManagedRedis managed = ManagedRedis.create("bus:*");
                ServerlessEndpoint endpoint = managed.startServerless(RedisFlavor.SYSTEM)) {
            int port = endpoint.proxy().port();
            ServerAccess app = new ServerAccess(ManagedRedis.APP_USER, managed.appPassword(), null);
            List<?> slots = (List<?>) Resp.callAs("127.0.0.1", port, app, "CLUSTER", "SLOTS");
            assertThat(slots).hasSize(1);
            List<?> range = (List<?>) slots.get(0);
            assertThat(List.<Object>copyOf(range.subList(0, 2))).containsExactly(0L, 16383L);
            assertThat(List.<Object>copyOf(((List<?>) range.get(2)).subList(0, 2))).containsExactly("127.0.0.1",
                    (long) port);
            assertThat(Resp.callAs("127.0.0.1", port, app, "XADD", "bus:{t:0}", "*", "f", "v")).isNotNull();
            assertThatThrownBy(() -> Resp.callAs("127.0.0.1", port, app, "WAIT", "0", "0"))
                    .isInstanceOf(RedisReplyException.class).hasMessageStartingWith("ERR unknown command 'WAIT'");
            assertThatThrownBy(() -> Resp.callAs("127.0.0.1", port, app, "CONFIG", "GET", "x"))
                    .isInstanceOf(RedisReplyException.class).hasMessageStartingWith("ERR unknown command");
            assertThat(endpoint.proxy().refusals()).containsOnlyKeys("WAIT");
        }
    }

    @Test
    void dropsNeedServerlessMode() {
        try (FaultProxy plain = FaultProxy.start(redis.host(), redis.port())) {
            assertThatThrownBy(() -> plain.dropNowAndThen(1, Duration.ZERO, Duration.ZERO, 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("Serverless");
        }
    }
}
