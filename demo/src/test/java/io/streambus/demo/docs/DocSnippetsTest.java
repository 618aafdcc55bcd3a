package io.streambus.demo.docs;

import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.app.ConfigException;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every Java snippet of docs/*.md is a region of {@link DocSnippets}, which compiles, and runs here. */
class DocSnippetsTest {
  private static final Pattern REGION = Pattern.compile("// doc:([a-z-]+\\.md):([a-z-]+)\\n(.*?)\\n\\s*// doc:end",
      Pattern.DOTALL);
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  private static RedisServer redis;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everyJavaSnippetOfTheDocsIsARegionOfTheCompiledSnippets() throws Exception {
    Map<String, List<String>> regions = regions();
    assertThat(regions).containsOnlyKeys("scaling.md", "security.md", "operations.md", "dashboard.md",
        "managed-redis.md");
    for (Map.Entry<String, List<String>> doc : regions.entrySet()) {
      String text = Files.readString(Path.of("../docs", doc.getKey()));
      List<String> blocks = JAVA_BLOCK.matcher(text).results().map(m -> normalize(m.group(1))).toList();
      List<String> shown = doc.getValue().stream().map(DocSnippetsTest::normalize).toList();
      // each compiled region is a snippet of the doc, and the doc has no snippet that is not compiled
      assertThat(blocks).as(doc.getKey()).containsExactlyInAnyOrderElementsOf(shown);
    }
    for (String other : List.of("architecture.md", "benchmarks.md", "status.md")) {
      assertThat(Files.readString(Path.of("../docs", other))).as(other).doesNotContain("```java");
    }
  }

  @Test
  void theOptionSnippetsValidate() {
    assertThat(DocSnippets.cluster().validate().getTopics().getPartitions()).isEqualTo(6);
    assertThat(DocSnippets.sentinel().validate().getConnection().getSentinelMasterName()).isEqualTo("mymaster");
    assertThat(DocSnippets.tls().validate().getConnection().getTlsKeyPemPath()).isEqualTo("/etc/streambus/client.key");
  }

  @Test
  void theIamProviderIsAskedForEachConnectAndValidates() throws Exception {
    java.util.concurrent.atomic.AtomicInteger signed = new java.util.concurrent.atomic.AtomicInteger();
    io.streambus.ConnectionOptions connection = DocSnippets.iam(() -> "token-" + signed.incrementAndGet());
    assertThat(new BusOptions().setConnection(connection).validate().getConnection().getTopology())
        .isEqualTo(BusOptions.Topology.CLUSTER);
    assertThat(await(connection.getCredentialsProvider().credentials()).password()).isEqualTo("token-1");
    assertThat(await(connection.getCredentialsProvider().credentials()).password()).isEqualTo("token-2");
  }

  @Test
  void theProjectionSumsPerCustomerAndThePublishIsIdempotent() throws Exception {
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri())
        .setKeyPrefix("docs"));
    try {
      Subscription projection = await(DocSnippets.projection(bus));
      await(bus.publish(OutgoingMessage.json("orders", new JsonObject().put("cents", 250)).key("customer-7")));
      await(bus.publish(OutgoingMessage.json("orders", new JsonObject().put("cents", 100)).key("customer-7")));
      Poll.until(Duration.ofSeconds(20), () -> "350".equals(revenue(bus)), () -> "revenue " + revenue(bus));
      await(projection.close());

      JsonObject payment = new JsonObject().put("cents", 500);
      MessageId first = await(DocSnippets.idempotentPublish(bus, payment, "r-1"));
      MessageId again = await(DocSnippets.idempotentPublish(bus, payment, "r-1"));
      assertThat(again).isEqualTo(first);
    } finally {
      await(bus.close());
    }
  }

  @Test
  void theMountedDashboardAnswersUnderItsPath() throws Exception {
    HttpServer server = await(DocSnippets.mountedDashboard(vertx,
        new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("docs-dash"), 0));
    try {
      HttpResponse<String> topics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.actualPort() + "/bus/api/topics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(topics.statusCode()).isEqualTo(200);
    } finally {
      await(server.close());
    }
  }

  @Test
  void theHandlerFactoryReadsItsSettingAndItsHandlerCharges() throws Exception {
    BillingHandlerFactory factory = new BillingHandlerFactory();
    assertThat(factory.name()).isEqualTo("billing");
    assertThatThrownBy(() -> factory.create(vertx, new JsonObject())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("BUS_BILLING_URL");
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri())
        .setKeyPrefix("docs-billing"));
    try {
      await(bus.subscribe("invoices", "billing",
          factory.create(vertx, new JsonObject().put("BUS_BILLING_URL", "http://billing")), new ConsumerOptions()));
      await(bus.publish(OutgoingMessage.json("invoices", new JsonObject().put("id", 7))));
      Poll.until(Duration.ofSeconds(20), () -> "http://billing {\"id\":7}".equals(Billing.lastCharge),
          () -> "charged: " + Billing.lastCharge);
    } finally {
      await(bus.close());
    }
  }

  private static String revenue(StreamBus bus) {
    try {
      return await(bus.admin().modelHash("orders", "revenue-v1")).stream()
          .map(m -> m.get("customer-7")).filter(v -> v != null).findFirst().orElse(null);
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Map<String, List<String>> regions() throws Exception {
    Map<String, List<String>> regions = new LinkedHashMap<>();
    for (String file : List.of("DocSnippets.java", "BillingHandlerFactory.java")) {
      Matcher m = REGION.matcher(Files.readString(Path.of("src/test/java/io/streambus/demo/docs", file)));
      while (m.find()) {
        regions.computeIfAbsent(m.group(1), k -> new java.util.ArrayList<>()).add(m.group(3));
      }
    }
    return regions;
  }

  private static String normalize(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
