package io.streambus.demo;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.streambus.ConsumerOptions;
import io.streambus.MessageId;
import io.streambus.StreamBus;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.HttpConfig;
import io.streambus.app.OpsRoutes;
import io.streambus.app.Settings;
import io.streambus.consumers.ConsumerConfig;
import io.streambus.consumers.ConsumersApp;
import io.streambus.consumers.HandlerRegistry;
import io.streambus.dashboard.DashboardConfig;
import io.streambus.dashboard.DashboardApp;
import io.streambus.producers.ProducersApp;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.PrometheusText;
import io.streambus.testsupport.PrometheusText.Series;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of deploy/kubernetes/ without a cluster. Every manifest parses into typed objects (fabric8;
 * KEDA's and the Prometheus Operator's kinds as generic resources). The Deployments run the images docker/ builds,
 * with environments the real applications accept; probes and Services point at ports and routes the applications
 * really serve (started here against a real redis-server); grace periods outlast the drain. And the KEDA
 * ScaledObject's queries name series the dashboard really exports, with the label sets they match and the values
 * they should have, for a topic and group made here.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path K8S = ROOT.resolve("deploy/kubernetes");
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  /** The one query form the test can evaluate; a query in another form fails the test rather than go unchecked. */
  private static final Pattern QUERY =
      Pattern.compile("max by \\(topic, group\\) \\((\\w+)\\{topic=\"([^\"]+)\",group=\"([^\"]+)\"}\\)");
  private static final Map<String, Integer> APPS = Map.of("producers", ProducersApp.DEFAULT_PORT,
      "consumers", ConsumersApp.DEFAULT_PORT, "dashboard", DashboardConfig.DEFAULT_PORT);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger SEQ = new AtomicInteger();

  private static List<HasMetadata> resources;
  private static List<HasMetadata> optional;
  private static RedisServer redis;

  @BeforeAll
  static void parseAndStartRedis() throws IOException {
    resources = loadAll(K8S);
    optional = loadAll(K8S.resolve("optional"));
    redis = RedisServer.startDefault();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everyManifestParsesAndTheKustomizationListsThemAll() throws IOException {
    assertThat(names(resources)).containsExactlyInAnyOrder(
        "ConfigMap/streambus-common", "ConfigMap/streambus-producers", "ConfigMap/streambus-consumers",
        "ConfigMap/streambus-dashboard",
        "Deployment/streambus-producers", "Deployment/streambus-consumers", "Deployment/streambus-dashboard",
        "Service/streambus-producers", "Service/streambus-consumers", "Service/streambus-dashboard",
        "ScaledObject/streambus-consumers");
    assertThat(names(optional)).containsExactlyInAnyOrder("StatefulSet/redis", "Service/redis",
        "PodMonitor/streambus-dashboard");
    assertThat(one("ScaledObject", "streambus-consumers").getApiVersion()).isEqualTo("keda.sh/v1alpha1");

    @SuppressWarnings("unchecked")
    Map<String, Object> kustomization = KUBE.unmarshal(Files.readString(K8S.resolve("kustomization.yaml")),
        Map.class);
    List<String> files;
    try (Stream<Path> list = Files.list(K8S)) {
      files = list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
    }
    assertThat(strings(kustomization.get("resources"))).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void deploymentsRunTheDockerImagesWithAConfigurationTheApplicationsAccept() throws IOException {
    for (String app : APPS.keySet()) {
      Container c = container(app);
      String image = c.getImage();
      assertThat(image).as(app + " image").startsWith("streambus-" + app + ":");
      assertThat(Files.readString(ROOT.resolve("docker/Dockerfile." + app))).as("Dockerfile." + app + " tags it so")
          .contains("-t streambus-" + app + " ");
    }

    Map<String, String> producersEnv = env(deployment("producers"));
    AppRunner.Prepared producers = AppRunner.prepare(List.of(), producersEnv, Map.of(), ProducersApp::new);
    closeVertx(producers.vertx());
    assertThat(Settings.of(producersEnv).unknown(ProducersApp.settingNames())).as("settings producers ignore")
        .isEmpty();

    Map<String, String> consumersEnv = env(deployment("consumers"));
    AppRunner.Prepared consumers = AppRunner.prepare(List.of(), consumersEnv, Map.of(), ConsumersApp::new);
    closeVertx(consumers.vertx());
    Settings consumerSettings = Settings.of(consumersEnv);
    String handler = ConsumerConfig.from(consumerSettings).handler();
    assertThat(consumerSettings.unknown(ConsumersApp.settingNames(
        HandlerRegistry.load().get(ConsumerConfig.HANDLER, handler)))).as("settings consumers ignore").isEmpty();

    Map<String, String> dashboardEnv = env(deployment("dashboard"));
    AppRunner.Prepared dashboard = AppRunner.prepare(List.of(), dashboardEnv, Map.of(), DashboardConfig.ALIASES,
        DashboardApp::new);
    closeVertx(dashboard.vertx());
    assertThat(((DashboardApp) dashboard.application()).config().host())
        .as("a pod's server must listen on the pod's address").isEqualTo("0.0.0.0");
    assertThat(Settings.of(dashboardEnv).unknown(DashboardConfig.settingNames())).as("settings the dashboard ignores")
        .isEmpty();
  }

  /**
   * The dashboard watches what the producers and consumers use: the same ConfigMap and Secret for the connection,
   * the same TLS files at the same path; and the same settings give it the same connection (a managed TLS cluster's
   * here).
   */
  @Test
  void everyDeploymentConnectsWithTheSameSettingsTheDashboardIncluded(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    for (String app : APPS.keySet()) {
      Container c = container(app);
      List<String> sources = c.getEnvFrom().stream().map(e -> e.getConfigMapRef() != null
          ? "ConfigMap/" + e.getConfigMapRef().getName() : "Secret/" + e.getSecretRef().getName()).toList();
      assertThat(sources).as(app + " envFrom").containsSubsequence("ConfigMap/streambus-common",
          "Secret/streambus-redis");
      assertThat(sources.get(sources.size() - 1)).as(app + ": the Secret last, so that its URL wins")
          .isEqualTo("Secret/streambus-redis");
      assertThat(c.getVolumeMounts()).as(app + " mounts").anySatisfy(m -> {
        assertThat(m.getMountPath()).isEqualTo("/etc/streambus/tls");
        assertThat(m.getReadOnly()).isTrue();
        assertThat(deployment(app).getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
          assertThat(v.getName()).isEqualTo(m.getName());
          assertThat(v.getSecret().getSecretName()).isEqualTo("streambus-redis-tls");
          assertThat(v.getSecret().getOptional()).as("a Secret the kit does not ship must be optional").isTrue();
        });
      });
    }
    Path ca = Files.writeString(dir.resolve("ca.crt"), "a CA bundle");
    Map<String, String> cluster = Map.of(BusConfig.REDIS_URL,
        "rediss://app:pw@node-1.cache.internal:6379,rediss://app:pw@node-2.cache.internal:6379",
        BusConfig.REDIS_TOPOLOGY, "cluster", BusConfig.TLS_CA_PEM, ca.toString());
    JsonObject producers = BusConfig.busOptions(Settings.of(env(deployment("producers"))).with(cluster)).toJson();
    JsonObject consumers = BusConfig.busOptions(Settings.of(env(deployment("consumers"))).with(cluster)).toJson();
    Map<String, String> dashboardEnv = new HashMap<>(env(deployment("dashboard")));
    dashboardEnv.putAll(cluster);
    AppRunner.Prepared dashboard = AppRunner.prepare(List.of(), dashboardEnv, Map.of(), DashboardConfig.ALIASES,
        DashboardApp::new);
    closeVertx(dashboard.vertx());
    JsonObject watched = ((DashboardApp) dashboard.application()).config().bus().toJson();
    assertThat(watched).isEqualTo(producers).isEqualTo(consumers);
    assertThat(watched.getJsonObject("connection").getString("topology")).isEqualToIgnoringCase("cluster");
  }

  @Test
  void containersExposeThePortTheApplicationListensOnAndProbeRoutesItServes() throws Exception {
    for (String app : APPS.keySet()) {
      Container c = container(app);
      assertThat(c.getPorts()).as(app + " ports").hasSize(1);
      ContainerPort port = c.getPorts().get(0);
      assertThat(port.getContainerPort()).as(app + " containerPort is the port it is configured to listen on")
          .isEqualTo(configuredPort(app));
      assertThat(Files.readString(ROOT.resolve("docker/Dockerfile." + app))).contains("EXPOSE " + port
          .getContainerPort());
      assertThat(path(c.getLivenessProbe())).as(app + " liveness").isEqualTo("/health");
      assertThat(path(c.getStartupProbe())).as(app + " startup").isEqualTo("/health");
      assertThat(path(c.getReadinessProbe())).as(app + " readiness").isEqualTo("/ready");
      for (Probe probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
        assertThat(resolve(c, probe.getHttpGet().getPort())).as(app + " probe port").isEqualTo(port);
      }
      assertThat(c.getReadinessProbe().getTimeoutSeconds() * 1000L).as(app + " readiness timeout")
          .isGreaterThan(OpsRoutes.READY_TIMEOUT_MS);
    }
    probeRunningApp("producers", ProducersApp::new, a -> ((ProducersApp) a).httpPort());
    probeRunningApp("consumers", ConsumersApp::new, a -> ((ConsumersApp) a).httpPort());
    probeRunningApp("dashboard", DashboardApp::new, a -> ((DashboardApp) a).httpPort());
  }

  @Test
  void servicesSelectTheirDeploymentAndTargetItsContainerPort() {
    for (String app : APPS.keySet()) {
      Service service = (Service) one("Service", "streambus-" + app);
      PodTemplateSpec pod = deployment(app).getSpec().getTemplate();
      assertThat(pod.getMetadata().getLabels()).as(app + " pod labels")
          .containsAllEntriesOf(service.getSpec().getSelector());
      assertThat(deployment(app).getSpec().getSelector().getMatchLabels())
          .isEqualTo(service.getSpec().getSelector());
      for (ServicePort sp : service.getSpec().getPorts()) {
        ContainerPort target = resolve(container(app), sp.getTargetPort());
        assertThat(sp.getPort()).as(app + " Service port").isEqualTo(target.getContainerPort());
      }
    }
    Service redisService = (Service) optional.stream().filter(r -> r instanceof Service).findFirst().orElseThrow();
    URI redisUrl = URI.create(configMap("streambus-common").getData().get(BusConfig.REDIS_URL));
    assertThat(redisUrl.getHost() + ":" + redisUrl.getPort()).as("BUS_REDIS_URL names optional/redis.yaml's Service")
        .isEqualTo(redisService.getMetadata().getName() + ":" + redisService.getSpec().getPorts().get(0).getPort());
    StatefulSet redisSet = (StatefulSet) optional.stream().filter(r -> r instanceof StatefulSet).findFirst()
        .orElseThrow();
    assertThat(redisSet.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(redisService.getSpec().getSelector());
  }

  @Test
  void gracePeriodsOutlastTheDrainDeadlines() {
    Map<String, String> consumersEnv = env(deployment("consumers"));
    AppRunner.Prepared consumers = AppRunner.prepare(List.of(), consumersEnv, Map.of(), ConsumersApp::new);
    closeVertx(consumers.vertx());
    long drainMs = ConsumerConfig.from(Settings.of(consumersEnv)).options().getCloseTimeoutMs();
    long consumersGraceMs = grace("consumers") * 1000;
    assertThat(consumers.shutdownTimeoutMs()).as("BUS_SHUTDOWN_TIMEOUT_MS above the drain").isGreaterThan(drainMs);
    assertThat(consumersGraceMs).as("consumers' grace period above the whole shutdown")
        .isGreaterThan(consumers.shutdownTimeoutMs());

    AppRunner.Prepared producers = AppRunner.prepare(List.of(), env(deployment("producers")), Map.of(),
        ProducersApp::new);
    closeVertx(producers.vertx());
    List<String> preStop = container("producers").getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    long pauseMs = Long.parseLong(preStop.get(1)) * 1000;
    assertThat(grace("producers") * 1000).as("producers' grace period above the preStop pause plus the shutdown")
        .isGreaterThan(pauseMs + producers.shutdownTimeoutMs());
  }

  @Test
  void prometheusIsToldToScrapeTheDashboardWhereItServesMetrics() {
    Map<String, String> annotations = deployment("dashboard").getSpec().getTemplate().getMetadata()
        .getAnnotations();
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path",
        "/metrics").containsEntry("prometheus.io/port", String.valueOf(configuredPort("dashboard")));
    GenericKubernetesResource monitor = (GenericKubernetesResource) optional.stream()
        .filter(r -> r.getKind().equals("PodMonitor")).findFirst().orElseThrow();
    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    assertThat(deployment("dashboard").getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(selector);
    List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("path", "/metrics");
      assertThat(resolve(container("dashboard"), new IntOrString(e.get("port")))).isNotNull();
    });
    assertThat(deployment("dashboard").getSpec().getReplicas()).as("one exporter of the per-group gauges")
        .isEqualTo(1);
  }

  /**
   * The heart of the kit: the ScaledObject scales the consumers Deployment, on the topic and group the consumers
   * are configured with, and each query, evaluated over what the dashboard (started from its manifest's
   * environment) serves at /metrics, gives exactly one series with the figure Redis holds: 5 undelivered entries
   * and 2 delivered but unacknowledged, over three partitions.
   */
  @Test
  void theScaledObjectQueriesSeriesTheDashboardExportsWithTheRightValues() throws Exception {
    GenericKubernetesResource scaled = (GenericKubernetesResource) one("ScaledObject", "streambus-consumers");
    assertThat((String) scaled.get("spec", "scaleTargetRef", "name")).isEqualTo("streambus-consumers");
    assertThat((String) scaled.get("spec", "scaleTargetRef", "kind")).isIn(null, "Deployment");
    int min = scaled.get("spec", "minReplicaCount");
    int max = scaled.get("spec", "maxReplicaCount");
    assertThat(min).isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(0);
    assertThat(deployment("consumers").getSpec().getReplicas()).as("KEDA owns the consumers' count").isNull();

    Map<String, String> consumersEnv = env(deployment("consumers"));
    ConsumerConfig consumers = ConsumerConfig.from(Settings.of(consumersEnv));
    assertThat(consumers.topics()).as("the kit's consumers read one topic, the one the queries name").hasSize(1);
    String topic = consumers.topics().get(0);
    String group = consumers.group();

    List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
    assertThat(triggers).isNotEmpty();
    Map<String, Double> expected = Map.of("streambus_group_backlog", 5.0, "streambus_group_unacked", 2.0);
    List<Query> queries = new ArrayList<>();
    for (Map<String, Object> trigger : triggers) {
      assertThat(trigger).containsEntry("type", "prometheus");
      @SuppressWarnings("unchecked")
      Map<String, String> metadata = (Map<String, String>) trigger.get("metadata");
      assertThat(URI.create(metadata.get("serverAddress")).getScheme()).isIn("http", "https");
      assertThat(Double.parseDouble(metadata.get("threshold"))).isPositive();
      assertThat(Double.parseDouble(metadata.get("activationThreshold"))).isGreaterThanOrEqualTo(0);
      assertThat(metadata.get("ignoreNullValues")).as("a missing signal is an error, not a zero").isEqualTo("false");
      Matcher m = QUERY.matcher(metadata.get("query"));
      assertThat(m.matches()).as("query in the form this test evaluates: " + metadata.get("query")).isTrue();
      assertThat(m.group(2)).as("topic the consumers read").isEqualTo(topic);
      assertThat(m.group(3)).as("group the consumers are in").isEqualTo(group);
      assertThat(expected).as("a metric this test knows the value of").containsKey(m.group(1));
      queries.add(new Query(m.group(1), m.group(2), m.group(3)));
    }

    Vertx vertx = Vertx.vertx();
    String prefix = "k8s" + SEQ.incrementAndGet();
    Map<String, String> local = Map.of(BusConfig.REDIS_URL, redis.uri(), BusConfig.KEY_PREFIX, prefix);
    StreamBus bus = StreamBus.create(vertx, BusConfig.busOptions(Settings.of(consumersEnv).with(local)));
    AppRunner.Prepared dashboard = null;
    try {
      backlogOfFiveWithTwoUnacked(bus, prefix, topic, group);
      Map<String, String> dashboardEnv = new HashMap<>(env(deployment("dashboard")));
      dashboardEnv.putAll(local);
      dashboardEnv.putAll(Map.of(HttpConfig.HOST, "127.0.0.1", HttpConfig.PORT, "0"));
      dashboard = AppRunner.prepare(List.of(), dashboardEnv, Map.of(), DashboardConfig.ALIASES, DashboardApp::new);
      await(dashboard.application().start());
      String base = "http://127.0.0.1:" + ((DashboardApp) dashboard.application()).httpPort();
      for (Probe probe : probes(container("dashboard"))) {
        awaitStatus(base + path(probe), 200);
      }
      Map<Query, List<Series>> results = Poll.until(Duration.ofSeconds(20), () -> {
        List<Series> scraped = PrometheusText.parse(get(base + "/metrics").body());
        Map<Query, List<Series>> out = new LinkedHashMap<>();
        queries.forEach(q -> out.put(q, q.evaluate(scraped)));
        return out;
      }, r -> r.values().stream().allMatch(s -> !s.isEmpty()), "every query's series on the dashboard's /metrics");
      results.forEach((q, series) -> assertThat(series).as(q.metric()).singleElement().satisfies(s -> {
        assertThat(s.labels()).isEqualTo(Map.of("topic", topic, "group", group));
        assertThat(s.value()).isEqualTo(expected.get(q.metric()));
      }));
    } finally {
      if (dashboard != null) {
        await(dashboard.application().stop());
        closeVertx(dashboard.vertx());
      }
      await(bus.close());
      closeVertx(vertx);
    }
  }

  @Test
  void operationsDocShowsTheScaledObjectsTriggersAsTheyAre() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/operations.md"));
    GenericKubernetesResource scaled = (GenericKubernetesResource) one("ScaledObject", "streambus-consumers");
    List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
    for (Map<String, Object> trigger : triggers) {
      @SuppressWarnings("unchecked")
      Map<String, String> metadata = (Map<String, String>) trigger.get("metadata");
      assertThat(doc).contains("query: " + metadata.get("query"))
          .contains("threshold: \"" + metadata.get("threshold") + "\"");
    }
  }

  /**
   * Creates the group as a consumer does (then leaves it without consumers), publishes 7 messages over the topic's
   * partitions and lets a consumer that then "dies" read 2 of them: 5 undelivered, 2 unacknowledged.
   */
  private static void backlogOfFiveWithTwoUnacked(StreamBus bus, String prefix, String topic, String group) {
    await(bus.subscribe(topic, group, m -> Future.succeededFuture(), new ConsumerOptions().setBlockMs(100))
        .compose(s -> s.close()));
    Map<Integer, Integer> perPartition = new TreeMap<>();
    for (int i = 0; i < 7; i++) {
      MessageId id = await(bus.publish(topic, new JsonObject().put("order", i)));
      perPartition.merge(id.partition(), 1, Integer::sum);
    }
    assertThat(perPartition).as("messages spread over BUS_TOPIC_PARTITIONS' partitions").hasSizeGreaterThan(1);
    int partition = perPartition.entrySet().stream().filter(e -> e.getValue() >= 2).findFirst().orElseThrow()
        .getKey();
    redis.command("XREADGROUP", "GROUP", group, "killed-pod", "COUNT", "2", "STREAMS",
        prefix + ":{" + topic + ":" + partition + "}", ">");
  }

  /** Starts the application from its manifest's environment (on the test's Redis and a free port) and GETs every
   *  probe's route until it answers 200. */
  private static void probeRunningApp(String app, AppRunner.Factory factory,
                                      Function<AppRunner.Application, Integer> port) throws Exception {
    Map<String, String> env = new HashMap<>(env(deployment(app)));
    env.putAll(Map.of(BusConfig.REDIS_URL, redis.uri(), BusConfig.KEY_PREFIX, "k8s" + SEQ.incrementAndGet(),
        HttpConfig.HOST, "127.0.0.1", HttpConfig.PORT, "0"));
    AppRunner.Prepared prepared = AppRunner.prepare(List.of(), env, Map.of(), factory);
    try {
      await(prepared.application().start());
      String base = "http://127.0.0.1:" + port.apply(prepared.application());
      for (Probe probe : probes(container(app))) {
        awaitStatus(base + path(probe), 200);
      }
    } finally {
      await(prepared.application().stop());
      closeVertx(prepared.vertx());
    }
  }

  /** {@code max by (topic, group) (metric{topic="t",group="g"})}, as Prometheus evaluates it. */
  private record Query(String metric, String topic, String group) {
    List<Series> evaluate(List<Series> scraped) {
      Map<Map<String, String>, Double> max = new LinkedHashMap<>();
      for (Series s : scraped) {
        if (s.name().equals(metric) && topic.equals(s.labels().get("topic"))
            && group.equals(s.labels().get("group"))) {
          max.merge(Map.of("topic", topic, "group", group), s.value(), Math::max);
        }
      }
      return max.entrySet().stream().map(e -> new Series(metric, e.getKey(), e.getValue())).toList();
    }
  }

  private static int configuredPort(String app) {
    Map<String, String> env = env(deployment(app));
    return app.equals("dashboard") ? DashboardConfig.fromEnv(env).port()
        : HttpConfig.from(Settings.of(env), APPS.get(app)).port();
  }

  /** The container's environment: its ConfigMaps' data, each key from one source only, then its plain values. */
  private static Map<String, String> env(Deployment deployment) {
    Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : c.getEnvFrom()) {
      if (source.getSecretRef() != null) {
        assertThat(source.getSecretRef().getOptional()).as(source.getSecretRef().getName()
            + ": a Secret the kit does not ship must be optional").isTrue();
        continue;
      }
      assertThat(source.getConfigMapRef()).as("envFrom " + source).isNotNull();
      configMap(source.getConfigMapRef().getName()).getData().forEach((k, v) ->
          assertThat(env.put(k, v)).as(k + " is set by one ConfigMap only").isNull());
    }
    for (EnvVar var : c.getEnv()) {
      if (var.getValue() != null) {
        assertThat(env.put(var.getName(), var.getValue())).as(var.getName() + " is set once").isNull();
      } else {
        assertThat(var.getValueFrom().getSecretKeyRef().getOptional())
            .as(var.getName() + ": a Secret the kit does not ship must be optional").isTrue();
      }
    }
    return env;
  }

  private static ConfigMap configMap(String name) {
    return (ConfigMap) one("ConfigMap", name);
  }

  private static Deployment deployment(String app) {
    return (Deployment) one("Deployment", "streambus-" + app);
  }

  private static Container container(String app) {
    List<Container> containers = deployment(app).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).as(app + " containers").hasSize(1);
    return containers.get(0);
  }

  private static long grace(String app) {
    return deployment(app).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
  }

  private static List<Probe> probes(Container c) {
    return List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe());
  }

  private static String path(Probe probe) {
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as("an HTTP probe").isNotNull();
    return get.getPath();
  }

  /** The container port a probe or Service names, by name or number; fails when there is none. */
  private static ContainerPort resolve(Container c, IntOrString port) {
    return c.getPorts().stream()
        .filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName())
            : port.getIntVal().equals(p.getContainerPort()))
        .findFirst().orElseThrow(() -> new AssertionError("no container port " + port.getValue() + " in "
            + c.getName()));
  }

  private static HasMetadata one(String kind, String name) {
    return resources.stream().filter(r -> r.getKind().equals(kind) && r.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + K8S));
  }

  private static List<String> names(List<HasMetadata> list) {
    return list.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList();
  }

  /** Every object of every .yaml file of {@code dir} (not its subfolders), the kustomization left out. */
  private static List<HasMetadata> loadAll(Path dir) throws IOException {
    Set<Path> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).forEach(files::add);
    }
    List<HasMetadata> out = new ArrayList<>();
    for (Path file : files) {
      for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
        if (!doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
          HasMetadata resource = KUBE.unmarshal(doc);
          assertThat(resource.getMetadata().getName()).as("a named object in " + file).isNotBlank();
          out.add(resource);
        }
      }
    }
    return out;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    ((List<?>) o).forEach(x -> out.add(String.valueOf(x)));
    return out;
  }

  private static void awaitStatus(String url, int status) {
    Poll.until(Duration.ofSeconds(20), () -> get(url).statusCode(), s -> s == status, "HTTP " + status + " from "
        + url);
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void closeVertx(Vertx vertx) {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
