package io.streambus.examples;

import io.streambus.BusTestBase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The README example runs, and the README shows exactly its code. */
class EmbedExampleTest extends BusTestBase {

  @Test
  void theExampleRunsAgainstARealRedis() {
    EmbedExample example = new EmbedExample(redis.uri());
    String id = await(vertx.deployVerticle(example));
    eventually(Duration.ofSeconds(10), () -> example.charged != null, "the order was charged");
    assertThat(example.charged.getInteger("id")).isEqualTo(42);
    await(vertx.undeploy(id));
  }

  @Test
  void theReadmeShowsTheCompiledCode() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/streambus/examples/EmbedExample.java"));
    String region = source.substring(source.indexOf("// embed:start") + "// embed:start".length(),
        source.indexOf("  // embed:end"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(normalize(readme)).contains(normalize(region));
  }

  private static String normalize(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }
}
