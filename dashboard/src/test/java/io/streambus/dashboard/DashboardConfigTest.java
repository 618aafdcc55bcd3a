package io.streambus.dashboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardConfigTest {

  @Test
  void defaults() {
    DashboardConfig c = DashboardConfig.fromEnv(Map.of());

    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.bus().getConnectionString()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.bus().getKeyPrefix()).isEqualTo("bus");
    assertThat(c.dashboard()).isEqualTo(new DashboardOptions());
  }

  @Test
  void readsEverySetting() {
    DashboardConfig c = DashboardConfig.fromEnv(Map.of("BUS_REDIS_URL", "redis://10.0.0.5:6380",
        "BUS_KEY_PREFIX", "shop", "DASHBOARD_HOST", "0.0.0.0", "DASHBOARD_PORT", "9090",
        "DASHBOARD_TOKEN", "mutate-token", "DASHBOARD_READ_TOKEN", "read-token-1", "DASHBOARD_SAMPLE_MS", "500"));

    assertThat(c.bus().getConnectionString()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(c.bus().getKeyPrefix()).isEqualTo("shop");
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.dashboard().getMutationToken()).isEqualTo("mutate-token");
    assertThat(c.dashboard().getReadToken()).isEqualTo("read-token-1");
    assertThat(c.dashboard().getSampleIntervalMs()).isEqualTo(500);
  }

  @Test
  void invalidSettingsAreNamed() {
    assertInvalid(Map.of("DASHBOARD_PORT", "eighty"), "DASHBOARD_PORT");
    assertInvalid(Map.of("DASHBOARD_PORT", "70000"), "DASHBOARD_PORT");
    assertInvalid(Map.of("BUS_REDIS_URL", "http://x"), "BUS_REDIS_URL");
    assertInvalid(Map.of("BUS_KEY_PREFIX", "a b"), "BUS_KEY_PREFIX");
    assertInvalid(Map.of("DASHBOARD_TOKEN", "short"), "DASHBOARD_TOKEN");
    assertInvalid(Map.of("DASHBOARD_READ_TOKEN", "short"), "DASHBOARD_READ_TOKEN");
    assertInvalid(Map.of("DASHBOARD_SAMPLE_MS", "10"), "DASHBOARD_SAMPLE_MS");
    assertInvalid(Map.of("DASHBOARD_HOST", " "), "DASHBOARD_HOST");
  }

  private static void assertInvalid(Map<String, String> env, String name) {
    assertThatThrownBy(() -> DashboardConfig.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name);
  }

  @Test
  void mainExitsWith2NamingTheInvalidSetting() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        DashboardMain.class.getName())).redirectErrorStream(true);
    builder.environment().put("DASHBOARD_PORT", "not-a-port");
    Process process = builder.start();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("DASHBOARD_PORT");
  }
}
