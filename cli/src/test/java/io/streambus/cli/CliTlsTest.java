package io.streambus.cli;

import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.streambus.testsupport.TestCertificates;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line over TLS with a client certificate, as the jars connect: {@code rediss://}, the CA from
 * {@code --tls-ca}, the client certificate and key from {@code BUS_TLS_CERT_PEM} / {@code BUS_TLS_KEY_PEM}.
 */
class CliTlsTest {
  private static TestCertificates certs;
  private static RedisServer tls;
  private static int port;

  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void start() {
    certs = TestCertificates.create();
    port = Ports.free();
    tls = RedisServer.builder().name("cli-tls").args(certs.serverArgs(port)).start();
  }

  @AfterAll
  static void stop() {
    tls.close();
    certs.close();
  }

  private static Run run(String ca, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine(new CliEnvironment(Map.of("BUS_TLS_CERT_PEM", certs.file("client.crt"),
        // a first TLS handshake on a loaded machine can take seconds: a wide deadline (an untrusted server still fails
        // at once, with the TLS error)
        "BUS_TLS_KEY_PEM", certs.file("client.key"), "BUS_PUBLISH_TIMEOUT_MS", "20000"),
        new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--redis-url", "rediss://127.0.0.1:" + port, "--tls-ca", ca, "--key-prefix", "tls"));
    return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  @Test
  void publishesAndReadsOverTlsAndFailsWithOneOnAnUntrustedServer() {
    Run published = run(certs.file("ca.crt"), "publish", "secure", "one", "two", "--json");
    assertThat(published.code()).as(published.err()).isZero();
    assertThat(new JsonArray(published.out())).hasSize(2);
    assertThat(tls.command("XLEN", "tls:{secure:0}")).isEqualTo("2");
    Run tail = run(certs.file("ca.crt"), "tail", "secure", "--from", "beginning", "--no-follow");
    assertThat(tail.out().lines()).hasSize(2);

    // the server's certificate checked against a CA that did not sign it
    Run untrusted = run(certs.file("other-ca.crt"), "topics");
    assertThat(untrusted.code()).isEqualTo(Cli.FAILED);
    assertThat(untrusted.err()).startsWith("streambus: ").contains("TLS");
  }
}
