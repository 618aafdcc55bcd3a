package io.streambus.producers;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.StreamBus;
import io.streambus.app.Settings;
import io.streambus.app.Telemetry;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace from an HTTP client through the ingest API and Redis to a consumer: the ingest's server span continues the
 * request's {@code traceparent}, the publish is its child, and the delivery's span a child of the publish. The
 * producers app runs as in its jar (the SDK registered globally, a Vert.x with Vert.x's OpenTelemetry tracer), with
 * an in-memory span exporter, against a real redis-server.
 */
class IngestTracingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private RedisServer redis;
  private Vertx vertx;
  private ProducersApp app;
  private StreamBus consumerBus;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.startDefault();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    GlobalOpenTelemetry.set(otel);
    vertx = Telemetry.of(otel).createVertx();
    app = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", redis.uri(), "BUS_KEY_PREFIX", "traced",
        "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0")));
    await(app.start());
    consumerBus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("traced"),
        new SimpleMeterRegistry(), otel);
  }

  @AfterEach
  void stop() throws Exception {
    if (consumerBus != null) {
      await(consumerBus.close());
    }
    if (app != null) {
      await(app.stop());
    }
    await(vertx.close());
    redis.close();
    otel.close();
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void aRequestsTraceContinuesThroughThePublishToTheConsumerSpan() throws Exception {
    Map<String, String> inHandler = new ConcurrentHashMap<>();
    await(consumerBus.subscribe("orders", "billing", m -> {
      inHandler.put("trace", Span.current().getSpanContext().getTraceId());
      inHandler.put("traceparent", m.header("traceparent"));
      return Future.succeededFuture();
    }, new ConsumerOptions().setBlockMs(200)));

    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.httpPort() + "/topics/orders/messages"))
        .header("Content-Type", "application/json")
        .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
        .POST(HttpRequest.BodyPublishers.ofString("{\"order\": 42}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);

    SpanData consumer = awaitSpan(SpanKind.CONSUMER);
    SpanData producer = awaitSpan(SpanKind.PRODUCER);
    SpanData server = awaitSpan(SpanKind.SERVER);
    assertThat(List.of(server, producer, consumer)).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
    assertThat(server.getParentSpanId()).as("the ingest continues the caller's span").isEqualTo(CLIENT_SPAN_ID);
    assertThat(producer.getName()).isEqualTo("publish orders");
    assertThat(producer.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(consumer.getName()).isEqualTo("process orders");
    assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
    // Vert.x's Redis client traces the commands sent inside a trace: the XADD belongs to the publish
    SpanData xadd = Poll.until(Duration.ofSeconds(5), () -> spans.getFinishedSpanItems().stream()
        .filter(s -> "xadd".equals(s.getAttributes().get(AttributeKey.stringKey("db.operation.name"))))
        .findFirst().orElse(null), s -> s != null, "the XADD's span");
    assertThat(xadd.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(inHandler.get("trace")).isEqualTo(TRACE_ID);
    assertThat(inHandler.get("traceparent")).startsWith("00-" + TRACE_ID + "-" + producer.getSpanId() + "-");
  }

  @Test
  void aRequestWithoutTraceContextIsNoServerSpanAndItsPublishStartsATrace() throws Exception {
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.httpPort() + "/topics/orders/messages"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);

    SpanData producer = awaitSpan(SpanKind.PRODUCER);
    assertThat(producer.getParentSpanContext().isValid()).as("a root span").isFalse();
    assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getKind() == SpanKind.SERVER);
  }

  private SpanData awaitSpan(SpanKind kind) {
    return Poll.until(Duration.ofSeconds(15),
        () -> spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).findFirst().orElse(null),
        s -> s != null, "a " + kind + " span among " + spans.getFinishedSpanItems());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
