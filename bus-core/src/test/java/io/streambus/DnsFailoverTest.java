package io.streambus;

import io.streambus.testsupport.DnsServer;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A managed service's failover moves its endpoint's DNS name to another address. The bus resolves the name again at
 * every reconnect (through Vert.x's resolver, which keeps an answer no longer than its TTL), so once the old address
 * stops answering, the bus follows the name. A real DNS server on loopback serves the name; two real servers listen
 * on one port at two loopback addresses.
 */
class DnsFailoverTest {
  private static final String NAME = "primary.orders.streambus.test";
  private DnsServer dns;
  private RedisServer first;
  private RedisServer second;
  private Vertx vertx;

  @BeforeEach
  void start() {
    dns = DnsServer.start();
    first = RedisServer.builder().name("dns-first").start();
    second = RedisServer.builder().name("dns-second").host("127.0.0.2").port(first.port()).start();
    dns.put(NAME, first.host());
    vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
        .addServer("127.0.0.1:" + dns.port()).setCacheMaxTimeToLive(5).setOptResourceEnabled(false)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    second.close();
    first.close();
    dns.close();
  }

  @Test
  void afterAFailoverMovesTheNameTheBusReconnectsToTheNewAddress() {
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString("redis://" + NAME + ":"
        + first.port()).setKeyPrefix("dns"));
    BusTestBase.await(bus.publish("orders", "before"));
    assertThat(first.command("XLEN", "dns:{orders:0}").trim()).isEqualTo("1");
    int queriesBefore = dns.queries();
    assertThat(queriesBefore).as("the bus found Redis through the DNS server").isPositive();

    dns.put(NAME, second.host());
    long failedOver = System.nanoTime();
    first.stop();
    Poll.until(Duration.ofSeconds(20), () -> published(bus), () -> "a publish after the name moved");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failedOver);
    assertThat(second.command("XLEN", "dns:{orders:0}").trim()).isEqualTo("1");
    assertThat(dns.queries()).as("asked again at the reconnect").isGreaterThan(queriesBefore);
    System.out.printf("DNS failover: the bus published to the name's new address %d ms after the old one stopped "
        + "(%d DNS queries)%n", ms, dns.queries());
    BusTestBase.await(bus.close());
  }

  private static boolean published(StreamBus bus) {
    try {
      BusTestBase.await(bus.publish("orders", "after"));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
