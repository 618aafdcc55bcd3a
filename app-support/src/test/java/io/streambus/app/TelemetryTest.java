package io.streambus.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryTest {

  @AfterEach
  void forgetTheGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void withoutAnyOtelSettingTracingIsOffAndNothingIsRegistered() {
    Telemetry t = Telemetry.fromEnvironment(Map.of("BUS_REDIS_URL", "redis://localhost:1"));
    assertThat(t.enabled()).isFalse();
    assertThat(t.openTelemetry()).isSameAs(OpenTelemetry.noop());
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void sdkDisabledIsOffWhateverElseIsSet() {
    Telemetry t = Telemetry.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "billing", "OTEL_SDK_DISABLED", "true"));
    assertThat(t.enabled()).isFalse();
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void anOtelSettingTurnsTracingOnWithTheSdkRegisteredAndATracingVertx() throws Exception {
    Telemetry t = Telemetry.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "billing", "OTEL_TRACES_EXPORTER", "console"));
    try {
      assertThat(t.enabled()).isTrue();
      assertThat(GlobalOpenTelemetry.isSet()).isTrue();
      Span span = GlobalOpenTelemetry.getTracer("test").spanBuilder("s").startSpan();
      assertThat(span.getSpanContext().isValid()).as("a real SDK span").isTrue();
      assertThat(span.isRecording()).isTrue();
      span.end();
      Vertx vertx = t.createVertx();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      t.close();
    }
  }

  @Test
  void anUnknownSamplerIsAConfigErrorNamingTheSetting() {
    assertThatThrownBy(() -> Telemetry.fromEnvironment(Map.of("OTEL_TRACES_SAMPLER", "sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("OTEL_TRACES_SAMPLER is invalid: ")
        .hasMessageContaining("sometimes")
        .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo("OTEL_TRACES_SAMPLER"));
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void anExporterThatIsNotInTheJarIsAConfigErrorNamingTheSetting() {
    assertThatThrownBy(() -> Telemetry.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("OTEL_TRACES_EXPORTER is invalid: ")
        .hasMessageContaining("zipkin");
  }

  @Test
  void aMalformedEndpointIsAConfigErrorNamingTheSettingWhoseValueTheSdkQuotes() {
    assertThatThrownBy(() -> Telemetry.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "billing",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317 please")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_ENDPOINT is invalid: ")
        .hasMessageContaining("collector:4317 please");
  }

  @Test
  void aBadTracingSettingStopsPreparationBeforeTheApplicationIsBuilt() {
    AtomicBoolean built = new AtomicBoolean();
    assertThatThrownBy(() -> AppRunner.prepare(List.of(), Map.of("OTEL_TRACES_SAMPLER", "sometimes"), Map.of(),
        (vertx, settings) -> {
          built.set(true);
          return new AppRunner.Application() {
            @Override
            public Future<Void> start() {
              return Future.succeededFuture();
            }

            @Override
            public Future<Void> stop() {
              return Future.succeededFuture();
            }
          };
        }))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("OTEL_TRACES_SAMPLER");
    assertThat(built).isFalse();
  }
}
