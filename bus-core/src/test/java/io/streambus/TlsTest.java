package io.streambus;

import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.streambus.testsupport.TestCertificates;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus through {@code rediss://} to a redis-server that requires TLS with client certificates, all generated here
 * with the openssl CLI: a CA, a server certificate for 127.0.0.1, a client certificate, and a second CA that signed
 * none of them.
 */
class TlsTest extends BusTestBase {
  private static TestCertificates certs;
  private static RedisServer tls;
  private static int tlsPort;

  @BeforeAll
  static void startTlsRedis() {
    certs = TestCertificates.create();
    tlsPort = Ports.free();
    tls = RedisServer.builder().name("tls").args(certs.serverArgs(tlsPort)).start();
  }

  @AfterAll
  static void stopTlsRedis() {
    if (tls != null) {
      tls.close();
    }
    if (certs != null) {
      certs.close();
    }
  }

  private static String file(String name) {
    return certs.file(name);
  }

  private BusOptions tlsOptions() {
    return busOptions().setConnectionString("rediss://127.0.0.1:" + tlsPort).setTlsCaPemPath(file("ca.crt"))
        .setTlsCertPemPath(file("client.crt")).setTlsKeyPemPath(file("client.key"));
  }

  @Test
  void publishesAndConsumesOverTlsWithAClientCertificate() {
    StreamBus bus = bus(tlsOptions());
    await(bus.ping());
    Set<String> got = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m.text());
      return Future.succeededFuture();
    }, fastConsumer()));
    for (int i = 0; i < 50; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> got.size() == 50, "50 consumed over TLS");
    assertThat(tls.command("XLEN", stream(0))).isEqualTo("50");
    assertThat(tls.command("INFO", "stats")).contains("total_connections_received");
  }

  @Test
  void anUntrustedServerCertificateFailsFastWithATlsError() {
    StreamBus bus = bus(tlsOptions().setTlsCaPemPath(file("other-ca.crt")).setPublishTimeoutMs(20_000));
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(bus.ping());
    long ms = System.currentTimeMillis() - started;
    System.out.printf("TLS failure reported in %d ms: %s%n", ms, e);
    assertThat(ms).as("ms to fail").isLessThan(3_000);
    assertThat(e).hasMessageContaining("TLS handshake with Redis failed at 127.0.0.1:" + tlsPort);
  }

  @Test
  void noClientCertificateIsRefusedByTheServerFast() {
    StreamBus bus = bus(tlsOptions().setTlsCertPemPath(null).setTlsKeyPemPath(null).setPublishTimeoutMs(20_000));
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(bus.ping());
    long ms = System.currentTimeMillis() - started;
    System.out.printf("TLS failure reported in %d ms: %s%n", ms, e);
    assertThat(ms).as("ms to fail").isLessThan(3_000);
    assertThat(e).hasMessageContaining("TLS handshake with Redis failed at 127.0.0.1:" + tlsPort);
  }
}
