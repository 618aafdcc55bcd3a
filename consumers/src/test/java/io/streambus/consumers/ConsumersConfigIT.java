package io.streambus.consumers;

import io.streambus.testsupport.JavaProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An invalid setting stops the fat-jar before anything starts, with exit code 2 and a line naming the setting. */
class ConsumersConfigIT {

  @Test
  void badValueExitsWithCode2NamingTheSetting() {
    try (JavaProcess p = JavaProcess.startJar("consumers-bad-config", ConsumersProcessIT.JAR,
        Map.of("BUS_TOPICS", "orders", "BUS_MAX_IN_FLIGHT", "abc", "BUS_REDIS_URL", "redis://127.0.0.1:1"))) {
      assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(p.output()).contains(
          "streambus-consumers: invalid configuration: BUS_MAX_IN_FLIGHT must be an integer 1..100000, was 'abc'");
      assertThat(p.output()).doesNotContain("started");
    }
  }

  @Test
  void missingHandlerSettingExitsWithCode2() {
    try (JavaProcess p = JavaProcess.startJar("consumers-no-url", ConsumersProcessIT.JAR,
        Map.of("BUS_TOPICS", "orders", "BUS_HANDLER", "http"))) {
      assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(p.output()).contains("BUS_HTTP_TARGET_URL is required");
    }
  }
}
