package io.streambus.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
  private static Vertx vertx;
  @TempDir
  Path dir;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void envOverridesFileWhichOverridesDefaults() throws Exception {
    Path file = Files.writeString(dir.resolve("bus.yaml"), """
        redis:
          url: redis://file:1
        group: from-file
        max-in-flight: 8
        topic_partitions:
          orders: 3
        """);
    Settings s = load(List.of("--config", file.toString()), Map.of("BUS_GROUP", "from-env", "PATH", "/bin"),
        Map.of("BUS_GROUP", "default", "BUS_HANDLER", "log"));
    assertThat(s.string("BUS_REDIS_URL", null)).isEqualTo("redis://file:1");
    assertThat(s.string("BUS_GROUP", null)).isEqualTo("from-env");
    assertThat(s.string("BUS_HANDLER", null)).isEqualTo("log");
    assertThat(s.integer("BUS_MAX_IN_FLIGHT", 0, 1, 100)).isEqualTo(8);
    assertThat(s.intMap(BusConfig.TOPIC_PARTITIONS, 1, 10)).containsEntry("orders", 3);
    assertThat(s.has("PATH")).isFalse();
  }

  @Test
  void jsonFileNamedByEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("bus.json"), "{\"BUS_TOPICS\": [\"a\", \"b\"]}");
    Settings s = load(List.of(), Map.of(ConfigLoader.CONFIG_ENV, file.toString()), Map.of());
    assertThat(s.list("BUS_TOPICS", List.of())).containsExactly("a", "b");
  }

  @Test
  void missingUnparsableOrUnknownFilesAndArgumentsAreConfigErrors() throws Exception {
    assertThatThrownBy(() -> load(List.of("--config", dir.resolve("nope.yaml").toString()), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read configuration file");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{ not json");
    assertThatThrownBy(() -> load(List.of("--config=" + broken), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot parse configuration file");
    Path toml = Files.writeString(dir.resolve("bus.toml"), "a = 1");
    assertThatThrownBy(() -> load(List.of("--config", toml.toString()), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("must end with .json, .yaml or .yml");
    assertThatThrownBy(() -> load(List.of("--verbose"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown argument '--verbose'");
  }

  private static Settings load(List<String> args, Map<String, String> env, Map<String, ?> defaults)
      throws Exception {
    Future<Settings> f = ConfigLoader.load(vertx, args, env, defaults);
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }
}
