package io.streambus.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class OpsRoutesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicReference<Supplier<Future<Void>>> READINESS = new AtomicReference<>();
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = Observability.prometheus();
    registry.counter("streambus.published", "topic", "t").increment(3);
    OpsServerVerticle server = new OpsServerVerticle(new HttpConfig("127.0.0.1", 0), registry,
        () -> READINESS.get().get());
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void healthIsUp() throws Exception {
    HttpResponse<String> r = get("/health", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("UP");
  }

  @Test
  void readyFollowsTheCheckAndGivesTheReason() throws Exception {
    READINESS.set(Future::succeededFuture);
    assertThat(get("/ready", null).statusCode()).isEqualTo(200);
    READINESS.set(() -> Future.failedFuture("redis unreachable"));
    HttpResponse<String> r = get("/ready", null);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(r.body()).getString("reason")).isEqualTo("redis unreachable");
    READINESS.set(() -> {
      throw new IllegalStateException("broken check");
    });
    assertThat(get("/ready", null).statusCode()).isEqualTo(503);
  }

  @Test
  void metricsServeBusAndJvmMetersInEitherFormat() throws Exception {
    HttpResponse<String> r = get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(OpsRoutes.PROMETHEUS_TEXT);
    assertThat(r.body()).contains("streambus_published_total{topic=\"t\"} 3.0").contains("jvm_memory_used_bytes")
        .contains("jvm_threads_live_threads").contains("process_uptime_seconds");
    HttpResponse<String> om = get("/metrics", "application/openmetrics-text; version=1.0.0");
    assertThat(om.headers().firstValue("Content-Type")).contains(OpsRoutes.OPENMETRICS_TEXT);
    assertThat(om.body()).endsWith("# EOF\n");
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
