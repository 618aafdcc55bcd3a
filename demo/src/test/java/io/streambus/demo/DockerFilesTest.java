package io.streambus.demo;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of docker/ without a Docker engine: the compose file and the Prometheus config parse, every
 * file they reference exists, the Dockerfiles follow the rules (exec java, non-root, healthcheck, the jar the module
 * really builds), and the settings that matter are there (AOF everysec, noeviction, 3 consumers, every /metrics
 * scraped).
 */
class DockerFilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final Map<String, Integer> APPS = Map.of("producers", 8081, "consumers", 8082, "dashboard", 8080);

  @Test
  void composeReferencesExistingFilesAndEveryServiceHasAHealthcheck() throws IOException {
    Map<String, Map<String, Object>> services = services();
    assertThat(services).containsOnlyKeys("redis", "producers", "consumers", "dashboard", "prometheus");
    services.forEach((name, service) -> {
      assertThat(service).as(name + " healthcheck").containsKey("healthcheck");
      assertThat(map(service.get("healthcheck")).get("test")).as(name + " healthcheck test").isNotNull();
      if (service.get("build") != null) {
        Map<String, Object> build = map(service.get("build"));
        Path context = DOCKER.resolve((String) build.get("context")).normalize();
        assertThat(context).isEqualTo(ROOT);
        assertThat(context.resolve((String) build.get("dockerfile"))).as(name + " Dockerfile").isRegularFile();
      }
      for (Object volume : list(service.get("volumes"))) {
        String source = String.valueOf(volume).split(":")[0];
        if (source.startsWith(".")) {
          assertThat(DOCKER.resolve(source)).as(name + " volume " + source).exists();
        }
      }
    });
  }

  @Test
  void redisIsDurableAndNeverEvicts() throws IOException {
    String command = String.join(" ", strings(services().get("redis").get("command")));
    assertThat(command).contains("--appendonly yes").contains("--appendfsync everysec")
        .contains("--maxmemory-policy noeviction");
  }

  @Test
  void threeConsumerReplicasThatAreGivenTimeToDrain() throws IOException {
    Map<String, Object> consumers = services().get("consumers");
    assertThat(map(consumers.get("deploy")).get("replicas")).isEqualTo(3);
    Map<String, Object> env = map(consumers.get("environment"));
    long shutdownMs = Long.parseLong(String.valueOf(env.get("BUS_SHUTDOWN_TIMEOUT_MS")));
    long graceSeconds = Long.parseLong(String.valueOf(consumers.get("stop_grace_period")).replace("s", ""));
    assertThat(graceSeconds * 1000).isGreaterThan(shutdownMs);
  }

  @Test
  void prometheusScrapesEveryMetricsEndpoint() throws IOException {
    Map<String, Object> config = new Yaml().load(Files.readString(DOCKER.resolve("prometheus.yml")));
    List<String> targets = new ArrayList<>();
    for (Object o : list(config.get("scrape_configs"))) {
      Map<String, Object> job = map(o);
      assertThat(job.getOrDefault("metrics_path", "/metrics")).isEqualTo("/metrics");
      for (Object sc : list(job.get("static_configs"))) {
        targets.addAll(strings(map(sc).get("targets")));
      }
      for (Object dns : list(job.get("dns_sd_configs"))) {
        strings(map(dns).get("names")).forEach(n -> targets.add(n + ":" + map(dns).get("port")));
      }
    }
    APPS.forEach((app, port) -> assertThat(targets).contains(app + ":" + port));
  }

  @Test
  void dockerfilesExecJavaAsNonRootWithAHealthcheckAndTheBuiltJar() throws IOException {
    for (Map.Entry<String, Integer> app : APPS.entrySet()) {
      String name = app.getKey();
      String dockerfile = Files.readString(DOCKER.resolve("Dockerfile." + name));
      assertThat(dockerfile).as(name).contains("exec java").contains("HEALTHCHECK").contains("USER 10001")
          .contains("EXPOSE " + app.getValue()).contains("BUS_HTTP_PORT=" + app.getValue())
          .contains("COPY --from=build /src/" + name + "/target/streambus-" + name + ".jar");
      Path pom = ROOT.resolve(name).resolve("pom.xml");
      if (Files.exists(pom)) {
        assertThat(Files.readString(pom)).as(name + " builds the jar the Dockerfile copies")
            .containsPattern("streambus-" + name + "(\\.jar)?</(outputFile|finalName)>");
      }
    }
    assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target");
  }

  private static Map<String, Map<String, Object>> services() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("docker-compose.yml")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    return services;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    list(o).forEach(x -> out.add(String.valueOf(x)));
    return out;
  }
}
