package io.streambus.cli;

import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built fat-jar and the launcher script run as processes against a real redis-server: settings from the
 * environment and from a configuration file, stdout carrying only the command's output, and the exit codes.
 */
class CliJarIT {
  private static final Path JAR = Path.of("target", "streambus-cli.jar");
  private static final Path SCRIPT = Path.of("bin", "streambus");
  private static RedisServer redis;

  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void start() {
    redis = RedisServer.startDefault();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  private static Run run(List<String> command, Map<String, String> env, String stdin) throws Exception {
    Path out = Files.createTempFile("streambus-cli-out", ".txt");
    Path err = Files.createTempFile("streambus-cli-err", ".txt");
    Path in = Files.createTempFile("streambus-cli-in", ".txt");
    Files.writeString(in, stdin);
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(in.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BUS_"));
    builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after 60 s: " + command + "\n" + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static List<String> jar(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx128m", "-XX:+UseSerialGC", "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static List<String> script(String... args) {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void theLauncherScriptAndTheJarPublishTailAndAnswerWithExitCodes() throws Exception {
    assertThat(JAR).exists();
    Map<String, String> env = Map.of("BUS_REDIS_URL", redis.uri(), "BUS_KEY_PREFIX", "it");

    Run published = run(script("publish", "jar-topic", "--json", "--key", "k"), env, "first\nsecond\n");
    assertThat(published.code()).as(published.err()).isZero();
    JsonArray ids = new JsonArray(published.out());
    assertThat(ids).hasSize(2);
    assertThat(redis.command("XLEN", "it:{jar-topic:0}")).isEqualTo("2");

    Run tail = run(jar("tail", "jar-topic", "--from", "beginning", "--no-follow", "--json"), env, "");
    assertThat(tail.code()).as(tail.err()).isZero();
    List<String> payloads = tail.out().lines().map(l -> new JsonObject(l).getString("payload")).toList();
    assertThat(payloads).containsExactly("first", "second");

    Run noGroup = run(jar("group", "reset", "jar-topic", "nobody", "--to", "earliest", "--yes"), env, "");
    assertThat(noGroup.code()).isEqualTo(Cli.NOT_FOUND);
    assertThat(noGroup.err()).contains("group 'nobody' does not exist");
    assertThat(noGroup.out()).isEmpty();

    Run version = run(jar("--version"), env, "");
    assertThat(version.out().trim()).matches("streambus \\d+\\.\\d+\\.\\d+.*");

    Run usage = run(jar("tail"), env, "");
    assertThat(usage.code()).isEqualTo(Cli.USAGE);
    assertThat(usage.err()).contains("Missing required parameter", "<topic>");
  }

  @Test
  void theJarVerifiesTheBusAndSaysSoWithItsExitCode() throws Exception {
    Map<String, String> env = Map.of("BUS_REDIS_URL", redis.uri(), "BUS_KEY_PREFIX", "verify");
    Run verify = run(jar("verify", "--count", "500", "--keys", "10", "--json"), env, "");
    System.out.println("jar verify: " + verify.out());
    assertThat(verify.code()).as(verify.err()).isEqualTo(Cli.OK);
    JsonObject report = new JsonObject(verify.out());
    assertThat(report.getLong("delivered")).isEqualTo(500);
    assertThat(report.getLong("lost")).isZero();
    assertThat(report.getString("topic")).startsWith("verify-");
    assertThat(verify.err()).contains("verify: topic " + report.getString("topic"));
  }

  @Test
  void aChaosRunStoppedWithSigtermStillReportsItsFigures() throws Exception {
    Path out = Files.createTempFile("streambus-verify-out", ".txt");
    Path err = Files.createTempFile("streambus-verify-err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(jar("verify", "--chaos", "--rate", "100", "--duration", "600",
        "--report-every", "1", "--json")).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BUS_"));
    builder.environment().putAll(Map.of("BUS_REDIS_URL", redis.uri(), "BUS_KEY_PREFIX", "drill"));
    Process p = builder.start();
    try {
      Poll.until(Duration.ofSeconds(60), () -> progressLines(err) >= 2 || !p.isAlive(), () -> read(err));
      assertThat(p.isAlive()).as(read(err)).isTrue();
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(read(err)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    JsonObject report = new JsonObject(Files.readString(out));
    System.out.println("jar verify --chaos stopped by SIGTERM: " + report.encode());
    assertThat(report.getBoolean("stoppedEarly")).isTrue();
    assertThat(report.getLong("published")).isBetween(100L, 59_999L);
    assertThat(report.getLong("confirmed")).isEqualTo(report.getLong("published"));
    assertThat(report.getLong("delivered")).isEqualTo(report.getLong("confirmed"));
    assertThat(report.getLong("lost")).isZero();
  }

  private static long progressLines(Path err) {
    return read(err).lines().filter(l -> l.startsWith("verify: ") && l.contains("published")).count();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aConfigurationFileNamesTheRedisAsForTheOtherJars() throws Exception {
    redis.command("HSET", "cfg:topics", "from-file", "1");
    File config = Files.createTempFile("streambus-cli", ".yaml").toFile();
    Files.writeString(config.toPath(), "redis:\n  url: " + redis.uri() + "\nkey:\n  prefix: cfg\n");
    Run topics = run(jar("topics", "--json", "--config", config.getAbsolutePath()), Map.of(), "");
    assertThat(topics.code()).as(topics.err()).isZero();
    // stdout is the JSON document and nothing else (no log lines)
    JsonArray all = new JsonArray(topics.out());
    assertThat(all.getJsonObject(0).getString("topic")).isEqualTo("from-file");

    Run missing = run(jar("topics", "--config", "/nonexistent.yaml"), Map.of(), "");
    assertThat(missing.code()).isEqualTo(Cli.USAGE);
    assertThat(missing.err()).contains("cannot read configuration file");
  }
}
