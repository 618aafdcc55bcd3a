package io.streambus;

import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus through {@code rediss://} to a redis-server that requires TLS with client certificates, all generated here
 * with the openssl CLI: a CA, a server certificate for 127.0.0.1, a client certificate, and a second CA that signed
 * none of them.
 */
class TlsTest extends BusTestBase {
  private static Path certs;
  private static RedisServer tls;
  private static int tlsPort;

  @BeforeAll
  static void startTlsRedis() throws Exception {
    certs = Files.createTempDirectory("streambus-tls-");
    ca("ca");
    ca("other-ca");
    signed("server", "ca", "subjectAltName=IP:127.0.0.1");
    signed("client", "ca", "extendedKeyUsage=clientAuth");
    tlsPort = Ports.free();
    // The plain port stays open on loopback for the harness's readiness check; the bus uses the TLS port only.
    tls = RedisServer.builder().name("tls").args("--tls-port", String.valueOf(tlsPort),
        "--tls-cert-file", file("server.crt"), "--tls-key-file", file("server.key"),
        "--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "yes").start();
  }

  @AfterAll
  static void stopTlsRedis() throws IOException {
    if (tls != null) {
      tls.close();
    }
    try (var files = Files.walk(certs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String file(String name) {
    return certs.resolve(name).toString();
  }

  private static void ca(String name) throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
        "-keyout", file(name + ".key"), "-out", file(name + ".crt"));
  }

  private static void signed(String name, String ca, String extension) throws Exception {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", file(name + ".key"),
        "-out", file(name + ".csr"));
    Files.writeString(certs.resolve(name + ".ext"), extension + "\n");
    openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file(ca + ".crt"), "-CAkey", file(ca + ".key"),
        "-CAcreateserial", "-days", "2", "-extfile", file(name + ".ext"), "-out", file(name + ".crt"));
  }

  private static void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Path log = certs.resolve("openssl.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed:\n" + Files.readString(log));
    }
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
    assertThat(System.currentTimeMillis() - started).as("ms to fail").isLessThan(3_000);
    assertThat(e).hasMessageContaining("TLS");
  }

  @Test
  void noClientCertificateIsRefusedByTheServerFast() {
    StreamBus bus = bus(tlsOptions().setTlsCertPemPath(null).setTlsKeyPemPath(null).setPublishTimeoutMs(20_000));
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(bus.ping());
    assertThat(System.currentTimeMillis() - started).as("ms to fail").isLessThan(3_000);
    assertThat(e).hasMessageContaining("TLS");
  }
}
