package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.ConfigException;
import io.streambus.app.Settings;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
    assertThat(c.http().requestHeadTimeoutMs()).isEqualTo(10_000);
    assertThat(c.bus().getConnectionString()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.bus().getTopology()).isEqualTo(BusOptions.Topology.STANDALONE);
    assertThat(c.bus().getKeyPrefix()).isEqualTo("bus");
    assertThat(c.dashboard()).isEqualTo(new DashboardOptions());
  }

  @Test
  void readsEverySettingUnderItsBusName() {
    DashboardConfig c = DashboardConfig.fromEnv(Map.of("BUS_REDIS_URL", "redis://10.0.0.5:6380",
        "BUS_KEY_PREFIX", "shop", "BUS_HTTP_HOST", "0.0.0.0", "BUS_HTTP_PORT", "9090",
        "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "2500", "BUS_DASHBOARD_TOKEN", "mutate-token",
        "BUS_DASHBOARD_READ_TOKEN", "read-token-1", "BUS_DASHBOARD_SAMPLE_MS", "500"));

    assertThat(c.bus().getConnectionString()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(c.bus().getKeyPrefix()).isEqualTo("shop");
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.http().requestHeadTimeoutMs()).isEqualTo(2500);
    assertThat(c.dashboard().getMutationToken()).isEqualTo("mutate-token");
    assertThat(c.dashboard().getReadToken()).isEqualTo("read-token-1");
    assertThat(c.dashboard().getSampleIntervalMs()).isEqualTo(500);
  }

  @Test
  void theOlderDashboardNamesAreStillRead() {
    DashboardConfig c = DashboardConfig.fromEnv(Map.of("DASHBOARD_HOST", "0.0.0.0", "DASHBOARD_PORT", "9090",
        "DASHBOARD_TOKEN", "mutate-token", "DASHBOARD_READ_TOKEN", "read-token-1", "DASHBOARD_SAMPLE_MS", "500"));

    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.dashboard().getMutationToken()).isEqualTo("mutate-token");
    assertThat(c.dashboard().getReadToken()).isEqualTo("read-token-1");
    assertThat(c.dashboard().getSampleIntervalMs()).isEqualTo(500);
    // the same value under both names is one setting, not a conflict
    assertThat(DashboardConfig.fromEnv(Map.of("DASHBOARD_PORT", "9090", "BUS_HTTP_PORT", "9090")).port())
        .isEqualTo(9090);
  }

  @Test
  void anOlderNameAndItsBusNameSetDifferentlyIsRefusedNamingBoth() {
    assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("DASHBOARD_PORT", "9090", "BUS_HTTP_PORT", "8080")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("DASHBOARD_PORT ('9090') and BUS_HTTP_PORT ('8080') are one setting, set to different values:"
            + " set only BUS_HTTP_PORT (DASHBOARD_PORT is its older name)");
  }

  /** The issue's cluster: several seeds, users and passwords in the URLs, TLS with a CA; and Sentinel. */
  @Test
  void takesTheConnectionSettingsOfTheOtherJars(@TempDir Path dir) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not parsed here");
    Map<String, String> cluster = Map.of("BUS_REDIS_URL",
        "rediss://app:s3cret@127.0.0.1:7001,rediss://app:s3cret@127.0.0.1:7002", "BUS_REDIS_TOPOLOGY", "cluster",
        "BUS_TLS_CA_PEM", ca.toString(), "BUS_TLS_VERIFY_HOSTNAME", "false");
    BusOptions c = DashboardConfig.fromEnv(cluster).bus();

    assertThat(c.getTopology()).isEqualTo(BusOptions.Topology.CLUSTER);
    assertThat(c.getConnectionStrings()).containsExactly("rediss://app:s3cret@127.0.0.1:7001",
        "rediss://app:s3cret@127.0.0.1:7002");
    assertThat(c.getTlsCaPemPath()).isEqualTo(ca.toString());
    assertThat(c.toJson()).isEqualTo(BusConfig.busOptions(Settings.of(cluster)).toJson());

    BusOptions s = DashboardConfig.fromEnv(Map.of("BUS_REDIS_URL", "redis://10.0.0.1:26379,redis://10.0.0.2:26379",
        "BUS_REDIS_TOPOLOGY", "sentinel", "BUS_REDIS_SENTINEL_MASTER", "mymaster")).bus();
    assertThat(s.getTopology()).isEqualTo(BusOptions.Topology.SENTINEL);
    assertThat(s.getSentinelMasterName()).isEqualTo("mymaster");
  }

  /** Every connection error is the producers' and consumers' message, word for word. */
  @Test
  void connectionErrorsAreTheOtherJarsMessages(@TempDir Path dir) {
    List<Map<String, String>> bad = List.of(
        Map.of("BUS_REDIS_URL", "http://x"),
        Map.of("BUS_REDIS_URL", "rediss://app:pw@127.0.0.1:7001,rediss://:7002"),
        Map.of("BUS_REDIS_TOPOLOGY", "ring"),
        Map.of("BUS_REDIS_TOPOLOGY", "sentinel"),
        Map.of("BUS_TLS_CA_PEM", dir.resolve("missing.pem").toString()),
        Map.of("BUS_KEY_PREFIX", "a b"));
    for (Map<String, String> env : bad) {
      String expected = messageOf(() -> BusConfig.busOptions(Settings.of(env)));
      assertThat(expected).as("BusConfig refuses " + env).isNotNull();
      assertThat(messageOf(() -> DashboardConfig.fromEnv(env))).as(env.toString()).isEqualTo(expected);
    }
  }

  @Test
  void invalidSettingsAreNamedAsTheOperatorWroteThem() {
    assertInvalid(Map.of("DASHBOARD_PORT", "eighty"), "DASHBOARD_PORT");
    assertInvalid(Map.of("DASHBOARD_PORT", "70000"), "DASHBOARD_PORT");
    assertInvalid(Map.of("BUS_HTTP_PORT", "70000"), "BUS_HTTP_PORT");
    assertInvalid(Map.of("BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "5"), "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS");
    assertInvalid(Map.of("DASHBOARD_TOKEN", "short"), "DASHBOARD_TOKEN");
    assertInvalid(Map.of("BUS_DASHBOARD_TOKEN", "short"), "BUS_DASHBOARD_TOKEN");
    assertInvalid(Map.of("DASHBOARD_READ_TOKEN", "short"), "DASHBOARD_READ_TOKEN");
    assertInvalid(Map.of("DASHBOARD_SAMPLE_MS", "10"), "DASHBOARD_SAMPLE_MS");
    assertInvalid(Map.of("BUS_DASHBOARD_SAMPLE_MS", "10"), "BUS_DASHBOARD_SAMPLE_MS");
    assertThatThrownBy(() -> DashboardConfig.fromEnv(Map.of("DASHBOARD_SAMPLE_MS", "10")))
        .hasMessage("BUS_DASHBOARD_SAMPLE_MS must be an integer 100..60000, was '10'"
            + " (set as DASHBOARD_SAMPLE_MS, its older name)");
  }

  @Test
  void aBlankHostIsTheLoopbackDefaultNeverEveryInterface() {
    assertThat(DashboardConfig.fromEnv(Map.of("DASHBOARD_HOST", " ")).host()).isEqualTo("127.0.0.1");
    assertThat(DashboardConfig.fromEnv(Map.of("BUS_HTTP_HOST", "")).host()).isEqualTo("127.0.0.1");
  }

  @Test
  void fromEnvLeavesTheFileToTheJarsMain() {
    assertInvalid(Map.of("BUS_CONFIG", "/etc/streambus.yaml"), "BUS_CONFIG");
  }

  /** The jar's path: AppRunner reads the file, the environment overrides it, aliases included. */
  @Test
  void theConfigurationFileIsReadAsByTheOtherJars(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("dashboard.yaml"), """
        redis:
          url: redis://10.0.0.7:6379,redis://10.0.0.8:6379
          topology: cluster
        key.prefix: shop
        http.port: 9000
        dashboard:
          sample_ms: 2000
          token: from-the-file
        """);
    AppRunner.Prepared p = AppRunner.prepare(List.of("--config", file.toString()),
        Map.of("DASHBOARD_TOKEN", "from-the-environment"), Map.of(), DashboardConfig.ALIASES, DashboardApp::new);
    try {
      DashboardConfig c = ((DashboardApp) p.application()).config();
      assertThat(c.bus().getConnectionStrings()).containsExactly("redis://10.0.0.7:6379", "redis://10.0.0.8:6379");
      assertThat(c.bus().getTopology()).isEqualTo(BusOptions.Topology.CLUSTER);
      assertThat(c.bus().getKeyPrefix()).isEqualTo("shop");
      assertThat(c.port()).isEqualTo(9000);
      assertThat(c.host()).isEqualTo("127.0.0.1");
      assertThat(c.dashboard().getSampleIntervalMs()).isEqualTo(2000);
      assertThat(c.dashboard().getMutationToken()).isEqualTo("from-the-environment");
    } finally {
      DashboardTestBase.await(p.vertx().close());
    }
  }

  @Test
  void everySettingOfTheDocsIsKnown() {
    assertThat(Settings.of(Map.of("BUS_DASHBOARD_TOKEN", "x", "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "1",
        "BUS_TLS_CA_PEM", "x", "BUS_REDIS_SENTINEL_MASTER", "m", "BUS_LOG_FORMAT", "json", "BUS_DASHBORD_TOKEN", "x"))
        .unknown(DashboardConfig.settingNames())).containsExactly("BUS_DASHBORD_TOKEN");
  }

  private static String messageOf(Runnable r) {
    try {
      r.run();
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static void assertInvalid(Map<String, String> env, String name) {
    assertThatThrownBy(() -> DashboardConfig.fromEnv(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(name);
  }

  /** The issue's report: the jar exited 2 with "BUS_REDIS_URL has no host" for a list of cluster seeds. */
  @Test
  void mainExitsWith2NamingTheInvalidSettingAsTheOtherJarsDo() throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>(Map.of("BUS_REDIS_URL",
        "rediss://app:pw@127.0.0.1:7001,rediss://app:pw@127.0.0.1:7002", "BUS_REDIS_TOPOLOGY", "cluster",
        "DASHBOARD_PORT", "not-a-port"));
    Result r = runMain(env);

    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("streambus-dashboard: invalid configuration: BUS_HTTP_PORT must be an integer"
        + " 0..65535, was 'not-a-port' (set as DASHBOARD_PORT, its older name)");
    assertThat(r.output()).doesNotContain("has no host").doesNotContain("pw@");

    Result unknownArgument = runMain(Map.of(), "--verbose");
    assertThat(unknownArgument.exit()).isEqualTo(2);
    assertThat(unknownArgument.output()).contains("streambus-dashboard: invalid configuration: unknown argument"
        + " '--verbose'");
  }

  /**
   * The whole life of the jar's main, as the other jars live: the file named by --config, an unknown setting warned
   * about, "started", ready while Redis answers, and on SIGTERM a clean stop with exit code 0.
   */
  @Test
  void mainRunsAsTheOtherJarsWarnsAboutAnUnknownSettingAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    try (RedisServer redis = RedisServer.startDefault()) {
      Path file = Files.writeString(dir.resolve("dashboard.yaml"), "redis.url: " + redis.uri() + "\n"
          + "key_prefix: jar\ndashbord:\n  token: a-misspelt-token\n");
      int port = Ports.free();
      Path log = dir.resolve("dashboard.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          DashboardMain.class.getName(), "--config", file.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("BUS_") || k.startsWith("DASHBOARD_"));
      builder.environment().put("BUS_HTTP_PORT", String.valueOf(port));
      Process process = builder.start();
      try {
        Poll.until(Duration.ofSeconds(30), () -> read(log).contains("streambus-dashboard started"),
            () -> "started: " + read(log));
        assertThat(read(log)).contains("ignoring unknown setting BUS_DASHBORD_TOKEN");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(5)).build();
        Poll.until(Duration.ofSeconds(20), () -> {
          try {
            return http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }, () -> "ready on port " + port + ": " + read(log));
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(read(log)).isTrue();
        assertThat(process.exitValue()).as(read(log)).isEqualTo(0);
        assertThat(read(log)).contains("streambus-dashboard stopped cleanly");
      } finally {
        process.destroyForcibly();
      }
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  record Result(int exit, String output) {
  }

  static Result runMain(Map<String, String> env, String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        DashboardMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("BUS_") || k.startsWith("DASHBOARD_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8));
  }
}
