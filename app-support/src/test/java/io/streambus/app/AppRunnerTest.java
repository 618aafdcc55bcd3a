package io.streambus.app;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppRunnerTest {

  @Test
  void badSettingFailsPreparationBeforeTheApplicationIsBuilt() {
    AtomicBoolean built = new AtomicBoolean();
    assertThatThrownBy(() -> AppRunner.prepare(List.of(), Map.of("BUS_SHUTDOWN_TIMEOUT_MS", "soon"), Map.of(),
        (vertx, settings) -> {
          built.set(true);
          return null;
        }))
        .isInstanceOf(ConfigException.class).hasMessageContaining("BUS_SHUTDOWN_TIMEOUT_MS");
    assertThat(built).isFalse();
  }

  @Test
  void factoryValidationErrorsPropagate() {
    assertThatThrownBy(() -> AppRunner.prepare(List.of(), Map.of("BUS_REDIS_URL", "nope"), Map.of(),
        (vertx, settings) -> {
          BusConfig.busOptions(settings);
          return null;
        }))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("BUS_REDIS_URL");
  }

  @Test
  void validSettingsGiveAPreparedApplicationWithItsDeadline() throws Exception {
    AppRunner.Prepared p = AppRunner.prepare(List.of(), Map.of("BUS_SHUTDOWN_TIMEOUT_MS", "1234"), Map.of(),
        (vertx, settings) -> new AppRunner.Application() {
          @Override
          public Future<Void> start() {
            return Future.succeededFuture();
          }

          @Override
          public Future<Void> stop() {
            return Future.succeededFuture();
          }
        });
    try {
      assertThat(p.shutdownTimeoutMs()).isEqualTo(1234);
      assertThat(p.application()).isNotNull();
    } finally {
      p.vertx().close();
    }
  }
}
