package io.streambus;

import io.streambus.admin.DeadLetter;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces across the bus, with an in-memory span exporter: the consumer span is a child of the producer span; every
 * delivery (a retry, a reclaim, a replayed dead letter) is a span of its own in the same trace; concurrent deliveries
 * of one subscription each see their own span, after an asynchronous step too. vertx-opentelemetry is on the test class
 * path, so the current OpenTelemetry context lives in the Vert.x context, as in an application.
 */
class TracingTest extends BusTestBase {
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
  private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("streambus.delivery_count");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private Tracer tracer;
  private final List<StreamBus> traced = new ArrayList<>();

  @BeforeEach
  void sdk() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    tracer = otel.getTracer("test");
  }

  @AfterEach
  void closeTraced() {
    traced.forEach(b -> await(b.close()));
    otel.close();
  }

  private StreamBus tracedBus() {
    StreamBus bus = StreamBus.create(vertx, busOptions(), registry, otel);
    traced.add(bus);
    return bus;
  }

  @Test
  void theConsumerSpanIsAChildOfTheProducerSpanWithTheMessagingAttributes() {
    StreamBus bus = tracedBus();
    Map<String, String> seen = new ConcurrentHashMap<>();
    Subscription sub = await(bus.subscribe(topic, "billing", m -> {
      seen.put("current", Span.current().getSpanContext().getSpanId());
      seen.put("traceparent", m.header("traceparent"));
      return Future.succeededFuture();
    }, fastConsumer()));

    Span parent = tracer.spanBuilder("checkout").startSpan();
    MessageId id;
    try (Scope ignored = parent.makeCurrent()) {
      // a stale trace context set by hand is replaced by the publish's
      id = await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("order", 7))
          .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").header("source", "web")));
    } finally {
      parent.end();
    }
    SpanData consumer = awaitSpan(SpanKind.CONSUMER, 1).get(0);
    SpanData producer = spans(SpanKind.PRODUCER).get(0);

    assertThat(producer.getName()).isEqualTo("publish " + topic);
    assertThat(producer.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(producer.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(producer.getAttributes().get(SYSTEM)).isEqualTo("redis_streams");
    assertThat(producer.getAttributes().get(DESTINATION)).isEqualTo(topic);
    assertThat(producer.getAttributes().get(PARTITION)).isEqualTo("0");
    assertThat(producer.getAttributes().get(MESSAGE_ID)).isEqualTo(id.value());
    assertThat(producer.getAttributes().get(OPERATION_NAME)).isEqualTo("publish");
    assertThat(producer.getAttributes().get(OPERATION_TYPE)).isEqualTo("send");
    assertThat(producer.getAttributes().get(BODY_SIZE)).isEqualTo(11L);

    assertThat(consumer.getName()).isEqualTo("process " + topic);
    assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(consumer.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(consumer.getAttributes().get(SYSTEM)).isEqualTo("redis_streams");
    assertThat(consumer.getAttributes().get(DESTINATION)).isEqualTo(topic);
    assertThat(consumer.getAttributes().get(PARTITION)).isEqualTo("0");
    assertThat(consumer.getAttributes().get(GROUP)).isEqualTo("billing");
    assertThat(consumer.getAttributes().get(MESSAGE_ID)).isEqualTo(id.value());
    assertThat(consumer.getAttributes().get(CLIENT_ID)).isEqualTo(sub.consumerName());
    assertThat(consumer.getAttributes().get(OPERATION_NAME)).isEqualTo("process");
    assertThat(consumer.getAttributes().get(OPERATION_TYPE)).isEqualTo("process");
    assertThat(consumer.getAttributes().get(DELIVERY_COUNT)).isEqualTo(1L);
    assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    assertThat(seen.get("current")).as("the span current in the handler").isEqualTo(consumer.getSpanId());
    assertThat(seen.get("traceparent")).isEqualTo(traceparent(producer));
    assertThat(redis.command("XRANGE", stream(0), "-", "+")).contains("h:source", "web")
        .doesNotContain("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void aRetryIsASecondConsumerSpanInTheSameTraceAndADeadLetterKeepsTheTraceContext() {
    StreamBus bus = tracedBus();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> m.json().getBoolean("poison") || m.deliveryCount() == 1
        ? Future.failedFuture(new IllegalStateException("try " + calls.incrementAndGet()))
        : Future.succeededFuture(), fastConsumer().setMaxDeliveries(2)));

    MessageId flaky = await(bus.publish(topic, new JsonObject().put("poison", false)));
    List<SpanData> deliveries = awaitSpan(SpanKind.CONSUMER, 2);
    SpanData producer = producerOf(flaky);
    assertThat(deliveries).allSatisfy(d -> {
      assertThat(d.getTraceId()).isEqualTo(producer.getTraceId());
      assertThat(d.getParentSpanId()).isEqualTo(producer.getSpanId());
      assertThat(d.getAttributes().get(MESSAGE_ID)).isEqualTo(flaky.value());
    });
    assertThat(deliveries.get(0).getSpanId()).isNotEqualTo(deliveries.get(1).getSpanId());
    assertThat(deliveries.get(0).getAttributes().get(DELIVERY_COUNT)).isEqualTo(1L);
    assertThat(deliveries.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(deliveries.get(0).getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
    assertThat(deliveries.get(0).getEvents()).anyMatch(e -> e.getName().equals("exception"));
    assertThat(deliveries.get(1).getAttributes().get(DELIVERY_COUNT)).isEqualTo(2L);
    assertThat(deliveries.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    MessageId poison = await(bus.publish(topic, new JsonObject().put("poison", true)));
    eventually(Duration.ofSeconds(15), () -> "1".equals(redis.command("XLEN", dlq(0))), "dead-lettered");
    SpanData poisonProducer = producerOf(poison);
    DeadLetter letter = await(bus.deadLetters(topic).list(null, 1)).items().get(0);
    assertThat(letter.fields().get("h:traceparent").toString()).isEqualTo(traceparent(poisonProducer));
    assertThat(awaitSpan(SpanKind.CONSUMER, 4).stream().filter(s -> poison.value().equals(s.getAttributes()
        .get(MESSAGE_ID)))).hasSize(2).allMatch(s -> s.getTraceId().equals(poisonProducer.getTraceId()));

    // replayed, the message is delivered again (and fails again) in the same trace
    await(bus.deadLetters(topic).replay(letter.ref()));
    List<SpanData> all = awaitSpan(SpanKind.CONSUMER, 5);
    SpanData replayed = all.get(all.size() - 1);
    assertThat(replayed.getTraceId()).isEqualTo(poisonProducer.getTraceId());
    assertThat(replayed.getParentSpanId()).isEqualTo(poisonProducer.getSpanId());
    assertThat(replayed.getAttributes().get(MESSAGE_ID)).isNotEqualTo(poison.value());
  }

  @Test
  void aReclaimedDeliveryIsAConsumerSpanInTheProducersTrace() {
    StreamBus bus = tracedBus();
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
    MessageId id = await(bus.publish(topic, "orphan"));
    // taken by a consumer that then dies: it stays pending there until a peer reclaims it
    assertThat(redis.command("XREADGROUP", "GROUP", "g", "dead", "COUNT", "1", "STREAMS", stream(0), ">"))
        .contains(id.value());
    List<Integer> counts = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      counts.add(m.deliveryCount());
      return Future.succeededFuture();
    }, fastConsumer().setClaimMinIdleMs(300)));

    SpanData reclaimed = awaitSpan(SpanKind.CONSUMER, 1).get(0);
    SpanData producer = producerOf(id);
    assertThat(counts).containsExactly(2);
    assertThat(reclaimed.getTraceId()).isEqualTo(producer.getTraceId());
    assertThat(reclaimed.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(reclaimed.getAttributes().get(DELIVERY_COUNT)).isEqualTo(2L);
  }

  /**
   * The handlers of one subscription share its context; each delivery still has its own span current, when the
   * handler starts and after a timer it set, while the others run.
   */
  @Test
  void concurrentDeliveriesEachSeeTheirOwnSpanAcrossAnAsynchronousStep() {
    StreamBus bus = tracedBus();
    int messages = 24;
    Map<String, String> atStart = new ConcurrentHashMap<>();
    Map<String, String> afterTimer = new ConcurrentHashMap<>();
    Map<String, Context> contexts = new ConcurrentHashMap<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      atStart.put(m.id().value(), Span.current().getSpanContext().getSpanId());
      contexts.put(m.id().value(), Vertx.currentContext());
      Promise<Void> done = Promise.promise();
      vertx.setTimer(20 + ThreadLocalRandom.current().nextInt(30), t -> {
        afterTimer.put(m.id().value(), Span.current().getSpanContext().getSpanId());
        inFlight.decrementAndGet();
        done.complete();
      });
      return done.future();
    }, fastConsumer().setMaxInFlight(messages)));
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      batch.add(OutgoingMessage.json(topic, new JsonObject().put("i", i)));
    }
    await(bus.publishAll(batch));

    Map<String, String> spanOfMessage = awaitSpan(SpanKind.CONSUMER, messages).stream()
        .collect(Collectors.toMap(s -> s.getAttributes().get(MESSAGE_ID), SpanData::getSpanId));
    assertThat(maxInFlight.get()).as("deliveries overlapped").isGreaterThan(1);
    assertThat(spanOfMessage).hasSize(messages);
    assertThat(atStart).isEqualTo(spanOfMessage);
    assertThat(afterTimer).isEqualTo(spanOfMessage);
    assertThat(contexts.values().stream().distinct()).as("a context per delivery").hasSize(messages);
  }

  @Test
  void withTheNoOpApiTheEntryCarriesNoTraceContext() {
    StreamBus bus = StreamBus.create(vertx, busOptions(), registry, OpenTelemetry.noop());
    traced.add(bus);
    List<String> headers = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      headers.addAll(m.headers().keySet());
      return Future.succeededFuture();
    }, fastConsumer()));
    Span parent = tracer.spanBuilder("outside").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      await(bus.publish(OutgoingMessage.text(topic, "plain").header("source", "cli")));
    } finally {
      parent.end();
    }
    eventually(Duration.ofSeconds(10), () -> !headers.isEmpty(), "delivered");
    assertThat(headers).containsExactly("source");
    assertThat(spans(SpanKind.PRODUCER)).isEmpty();
    assertThat(spans(SpanKind.CONSUMER)).isEmpty();
  }

  private List<SpanData> spans(SpanKind kind) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
  }

  /** Waits for at least {@code n} finished spans of {@code kind}; returns them in the order they ended. */
  private List<SpanData> awaitSpan(SpanKind kind, int n) {
    eventually(Duration.ofSeconds(15), () -> spans(kind).size() >= n,
        () -> n + " " + kind + " spans, have " + spans.getFinishedSpanItems());
    return spans(kind);
  }

  /** The W3C header of a span's context (flags as the SDK sets them: sampled, and random trace id from 1.6x). */
  private static String traceparent(SpanData span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
  }

  private SpanData producerOf(MessageId id) {
    return spans(SpanKind.PRODUCER).stream().filter(s -> id.value().equals(s.getAttributes().get(MESSAGE_ID)))
        .findFirst().orElseThrow(() -> new AssertionError("no producer span for " + id));
  }
}
