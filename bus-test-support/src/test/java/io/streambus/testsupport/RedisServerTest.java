package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.TestAbortedException;

class RedisServerTest {

    @ParameterizedTest
    @EnumSource(RedisFlavor.class)
    void roundTripAndVersionPerFlavor(RedisFlavor flavor) {
        try (RedisServer redis = RedisServer.builder().flavor(flavor).start()) {
            assertThat(redis.flavor()).isEqualTo(flavor);
            assertThat(redis.port()).isNotEqualTo(6379);
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.command("SET", "greeting", "hällo wörld")).isEqualTo("OK");
            assertThat(redis.command("GET", "greeting")).isEqualTo("hällo wörld");
            assertThat(redis.command("GET", "missing")).isNull();
            assertThat(redis.commandRaw("INCR", "counter")).isEqualTo(1L);
            assertThat(redis.server()).startsWith(flavor.expectedServer());
            assertThat(redis.version()).startsWith(flavor == RedisFlavor.EMBEDDED_6_2 ? "6.2" : "7.");
            assertThat(redis.logFile()).isRegularFile();
            assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
        }
    }

    @Test
    void flavorComesFromTheSystemProperty() {
        String before = System.getProperty(RedisFlavor.PROPERTY);
        try {
            System.clearProperty(RedisFlavor.PROPERTY);
            assertThat(RedisFlavor.fromSystemProperty()).isEqualTo(RedisFlavor.SYSTEM);
            System.setProperty(RedisFlavor.PROPERTY, "embedded");
            assertThat(RedisFlavor.fromSystemProperty()).isEqualTo(RedisFlavor.EMBEDDED_6_2);
            System.setProperty(RedisFlavor.PROPERTY, "valkey");
            assertThat(RedisFlavor.fromSystemProperty()).isEqualTo(RedisFlavor.VALKEY);
            assertThat(RedisFlavor.fromSystemPropertyForMultiNode()).isEqualTo(RedisFlavor.VALKEY);
            System.setProperty(RedisFlavor.PROPERTY, "embedded");
            assertThat(RedisFlavor.fromSystemPropertyForMultiNode()).isEqualTo(RedisFlavor.SYSTEM);
            System.setProperty(RedisFlavor.PROPERTY, "bogus");
            assertThatThrownBy(RedisFlavor::fromSystemProperty).isInstanceOf(IllegalArgumentException.class);
        } finally {
            if (before == null) {
                System.clearProperty(RedisFlavor.PROPERTY);
            } else {
                System.setProperty(RedisFlavor.PROPERTY, before);
            }
        }
        assertThat(RedisFlavor.EMBEDDED_6_2.executable()).isExecutable()
                .isEqualTo(RedisFlavor.EMBEDDED_6_2.executable());
    }

    @Test
    void aMissingValkeySkipsWithANoticeUnlessItIsRequired(@TempDir Path tmp) {
        Path absent = tmp.resolve("no-such-valkey-server");
        List<String> notices = new ArrayList<>();
        assertThatThrownBy(() -> RedisFlavor.checkValkey(absent, false, notices::add))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining(".ci/valkey.sh");
        assertThat(notices).singleElement().asString().startsWith("SKIPPING the Valkey tests").contains(absent.toString());

        assertThatThrownBy(() -> RedisFlavor.checkValkey(absent, true, notices::add))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("required");
        assertThat(notices).hasSize(1);
    }

    @Test
    void flavorAvailableDisablesTheValkeyClassesOnlyWhenValkeyIsMissingAndNotRequired(@TempDir Path tmp) {
        String[] keys = {RedisFlavor.PROPERTY, RedisFlavor.VALKEY_SERVER_PROPERTY, RedisFlavor.VALKEY_REQUIRED_PROPERTY};
        String[] before = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            before[i] = System.getProperty(keys[i]);
        }
        List<String> notices = new ArrayList<>();
        FlavorAvailable condition = new FlavorAvailable(notices::add);
        try {
            System.setProperty(RedisFlavor.VALKEY_SERVER_PROPERTY, tmp.resolve("no-such-valkey-server").toString());
            System.setProperty(RedisFlavor.VALKEY_REQUIRED_PROPERTY, "false");
            System.setProperty(RedisFlavor.PROPERTY, "system");
            assertThat(condition.evaluateExecutionCondition(null).isDisabled()).isFalse();

            System.setProperty(RedisFlavor.PROPERTY, "valkey");
            assertThat(condition.evaluateExecutionCondition(null).isDisabled()).isTrue();
            assertThat(condition.evaluateExecutionCondition(null).getReason())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("no-such-valkey-server"));
            assertThat(notices).isNotEmpty().allMatch(n -> n.startsWith("SKIPPING the Valkey tests"));

            System.setProperty(RedisFlavor.VALKEY_REQUIRED_PROPERTY, "true");
            assertThat(condition.evaluateExecutionCondition(null).isDisabled()).as("required: run, and fail").isFalse();
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], before[i]);
                }
            }
        }
    }

    @Test
    void valkeyIsLookedForWhereThePropertySaysElseInTheBuildCache() {
        String[] keys = {RedisFlavor.VALKEY_SERVER_PROPERTY, RedisFlavor.VALKEY_REQUIRED_PROPERTY};
        String[] before = {System.getProperty(keys[0]), System.getProperty(keys[1])};
        try {
            System.clearProperty(RedisFlavor.VALKEY_SERVER_PROPERTY);
            if (System.getenv(RedisFlavor.VALKEY_SERVER_ENV) == null) {
                assertThat(RedisFlavor.valkeyServer()).endsWith(Path.of("streambus", "valkey-"
                        + RedisFlavor.VALKEY_VERSION, "bin", "valkey-server"));
            }
            System.setProperty(RedisFlavor.VALKEY_SERVER_PROPERTY, "/opt/valkey/bin/valkey-server");
            assertThat(RedisFlavor.valkeyServer()).isEqualTo(Path.of("/opt/valkey/bin/valkey-server"));
            System.setProperty(RedisFlavor.VALKEY_REQUIRED_PROPERTY, "true");
            assertThat(RedisFlavor.valkeyRequired()).isTrue();
            System.setProperty(RedisFlavor.VALKEY_REQUIRED_PROPERTY, "false");
            assertThat(RedisFlavor.valkeyRequired()).isFalse();
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], before[i]);
                }
            }
        }
    }

    @Test
    void repliesAreRenderedAndErrorsThrown() {
        try (RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).start()) {
            redis.command("RPUSH", "list", "a", "b");
            assertThat(redis.command("LRANGE", "list", "0", "-1")).isEqualTo("a\nb");
            assertThat(redis.commandRaw("LRANGE", "list", "0", "-1")).isEqualTo(List.of("a", "b"));
            redis.command("XADD", "s", "1-1", "f", "v");
            assertThat(redis.command("XRANGE", "s", "-", "+")).isEqualTo("1-1\nf\nv");
            assertThat(redis.command("MGET", "nope", "list")).isEqualTo("null\nnull");
            assertThat(redis.commandRaw("MGET", "nope", "list")).isEqualTo(java.util.Arrays.asList(null, null));
            assertThatThrownBy(() -> redis.command("GET", "list"))
                    .isInstanceOf(RedisReplyException.class)
                    .hasMessageStartingWith("WRONGTYPE")
                    .satisfies(e -> assertThat(((RedisReplyException) e).code()).isEqualTo("WRONGTYPE"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisFlavor.class)
    @SuppressWarnings("unchecked")
    void aofSurvivesSigkillOnTheSamePort(RedisFlavor flavor) {
        try (RedisServer redis = RedisServer.builder().flavor(flavor).aof(true).start()) {
            for (int i = 0; i < 100; i++) {
                redis.command("XADD", "orders", "*", "n", Integer.toString(i));
            }
            redis.command("XGROUP", "CREATE", "orders", "billing", "0");
            int port = redis.port();
            long pid = redis.pid();

            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            redis.start();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.command("XLEN", "orders")).isEqualTo("100");
            List<?> groups = (List<?>) redis.commandRaw("XINFO", "GROUPS", "orders");
            assertThat(groups).hasSize(1);
            assertThat((List<Object>) groups.get(0)).containsSequence("name", "billing");
        }
    }

    @Test
    void stopThenStart() {
        try (RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).name("stop-start").start()) {
            assertThat(redis.logFile().getFileName()).hasToString("stop-start.log");
            redis.command("SET", "k", "v");
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThat(refuses(redis.port())).isTrue();
            redis.stop(); // no-op when stopped

            redis.start();
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.command("GET", "k")).as("no persistence by default").isNull();
            assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeLeavesNoProcessAndRemovesItsTempDir() {
        RedisServer redis = RedisServer.startDefault();
        long pid = redis.pid();
        Path dir = redis.dir();
        assertThat(dir).isDirectory();

        redis.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(redis.isRunning()).isFalse();
        assertThat(refuses(redis.port())).isTrue();
        assertThat(dir).doesNotExist();
        redis.close(); // idempotent
        assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void callersDirIsKept(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).dir(dir).aof(true).start();
        redis.command("SET", "k", "v");
        redis.close();
        assertThat(dir.resolve("redis.log")).isRegularFile();
    }

    @Test
    void passwordIsSentByCommandAndRequiredOtherwise() {
        try (RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).password("s3cret").start()) {
            assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(redis.command("GET", "k")).isEqualTo("v");
            assertThatThrownBy(() -> Resp.call(redis.host(), redis.port(), null, "GET", "k"))
                    .isInstanceOf(RedisReplyException.class)
                    .satisfies(e -> assertThat(((RedisReplyException) e).code()).isEqualTo("NOAUTH"));

            redis.stop(); // SHUTDOWN needs AUTH as well
            assertThat(redis.isRunning()).isFalse();
            redis.start();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void passwordGivenAsRawArgsIsPickedUp() {
        try (RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM)
                .args("--requirepass", "raw").start()) {
            assertThat(redis.password()).isEqualTo("raw");
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void startupFailureCarriesTheLogTail() {
        assertThatThrownBy(() -> RedisServer.builder().flavor(RedisFlavor.SYSTEM)
                .args("--no-such-directive", "x").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("no-such-directive");
    }

    @Test
    void restartWaitsWhileThePortIsStillBound() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (RedisServer redis = RedisServer.builder().flavor(RedisFlavor.SYSTEM).start()) {
            redis.kill();
            ServerSocket squatter = new ServerSocket(redis.port(), 50, InetAddress.getLoopbackAddress());
            // The squatter is the fault being injected: it holds the port for a moment, then lets go.
            scheduler.schedule(() -> {
                squatter.close();
                return null;
            }, 400, TimeUnit.MILLISECONDS);

            redis.start();

            assertThat(squatter.isClosed()).isTrue();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void portsAreFreeLoopbackPortsAndNotRepeated() throws IOException {
        int a = Ports.free();
        int b = Ports.free();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(6379);
        try (ServerSocket socket = new ServerSocket(a, 50, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(a);
        }
        int cluster = Ports.freeForCluster();
        assertThat(cluster + 10_000).isLessThanOrEqualTo(65_535);
    }

    static boolean refuses(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
