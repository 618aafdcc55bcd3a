package io.streambus;

import io.streambus.testsupport.ManagedRedis;
import io.streambus.testsupport.RedisFlavor;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that answers CLIENT ID but refuses CLIENT UNBLOCK with NOPERM, as Memorystore for Valkey does (CLIENT
 * UNBLOCK is not on its allowlist): close() still ends a parked read at once, by closing its connection, and asks
 * no more.
 */
@Tag("managed")
class UnblockRefusedTest extends BusTestBase {
  private static ManagedRedis managed;
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    managed = ManagedRedis.create("test:*", ManagedRedis.APP_RULES.replace(" +client|unblock", ""));
    server = managed.startPlainServer(RedisFlavor.fromSystemPropertyForMultiNode());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
    if (managed != null) {
      managed.close();
    }
  }

  @Override
  protected BusOptions busOptions() {
    return new BusOptions().setConnectionString("redis://" + ManagedRedis.APP_USER + ":" + managed.appPassword()
        + "@127.0.0.1:" + server.port()).setKeyPrefix("test");
  }

  @Test
  void closeEndsAParkedReadAtOnceWhenClientUnblockIsRefused() {
    StreamBus bus = bus();
    for (int round = 1; round <= 2; round++) {
      Subscription subscription = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
          fastConsumer().setBlockMs(20_000)));
      eventually(Duration.ofSeconds(10), () -> server.command("CLIENT", "LIST").lines()
          .anyMatch(c -> c.contains(" flags=b ") && c.contains(" cmd=xreadgroup ")), "the read is parked");
      long t0 = System.nanoTime();
      await(subscription.close());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("CLIENT UNBLOCK refused: close() of a subscription whose read was parked in BLOCK 20000 took"
          + " %d ms (round %d)%n", ms, round);
      assertThat(ms).as("close, the read parked for 20 s").isLessThan(5_000);
    }
    // each subscription (a reader of its own) was refused once, then closed the connection
    List<?> log = (List<?>) server.commandRaw("ACL", "LOG");
    assertThat(log).as("ACL LOG: one entry, for client|unblock").hasSize(1);
    List<?> entry = (List<?>) log.get(0);
    assertThat(entry.get(entry.indexOf("object") + 1)).isEqualTo("client|unblock");
    assertThat(entry.get(entry.indexOf("count") + 1)).as("refused once per subscription").isEqualTo(2L);
  }
}
