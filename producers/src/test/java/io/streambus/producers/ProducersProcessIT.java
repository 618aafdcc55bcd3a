package io.streambus.producers;

import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The producers fat-jar as a separate process: fail fast on bad config, serve, drain and exit 0 on SIGTERM. */
class ProducersProcessIT {
  private static final Path JAR = Path.of("target", "streambus-producers.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void badSettingExitsWithCode2NamingItBeforeStarting() {
    try (JavaProcess p = JavaProcess.startJar("producers-bad-config", JAR,
        Map.of("BUS_REDIS_URL", "http://localhost:1", "BUS_HTTP_PORT", String.valueOf(Ports.free())))) {
      assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(p.output()).contains("streambus-producers: invalid configuration: BUS_REDIS_URL: ")
          .doesNotContain("listening");
    }
  }

  @Test
  void acceptsMessagesServesOpsAndExitsZeroOnSigterm() throws Exception {
    try (RedisServer redis = RedisServer.startDefault()) {
      int port = Ports.free();
      try (JavaProcess p = JavaProcess.startJar("producers", JAR, Map.of("BUS_REDIS_URL", redis.uri(),
          "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", String.valueOf(port)))) {
        String base = "http://127.0.0.1:" + port;
        Poll.until(Duration.ofSeconds(60), () -> status(base + "/ready") == 200, () -> "ready:\n" + p.tail(2_000));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/topics/orders/messages"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        String id = new JsonObject(r.body()).getString("id");
        assertThat(redis.command("XRANGE", "bus:{orders:0}", id, id)).contains("{\"a\":1}");
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body()).contains("streambus_published_total");

        p.terminate();
        assertThat(p.waitFor(Duration.ofSeconds(30))).as(p.tail(2_000)).isZero();
        assertThat(p.output()).contains("stopped cleanly");
      }
    }
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
