package io.streambus.dashboard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.BusOptions;
import io.streambus.StreamBus;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisFlavor;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real redis-server (flavor from {@code -Dstreambus.test.redis}) and Vert.x per test class; per test a fresh key
 * prefix (so a dashboard sees only that test's topics), a bus for the test's own producers and consumers, a dashboard
 * verticle on a free port, and HTTP helpers.
 */
abstract class DashboardTestBase {
  private static final AtomicInteger SEQ = new AtomicInteger();
  protected static RedisServer redis;
  protected static Vertx vertx;
  protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  protected String prefix;
  protected String baseUrl;
  private final List<StreamBus> buses = new ArrayList<>();
  private String deployment;

  @BeforeAll
  static void startRedis() {
    startRedis(RedisFlavor.fromSystemProperty());
  }

  /**
   * For a subclass that must run on one flavor whatever the build's: it declares its own {@code static void
   * startRedis()} calling this, which hides the one above (JUnit then runs only the subclass's).
   */
  protected static void startRedis(RedisFlavor flavor) {
    redis = RedisServer.builder().flavor(flavor).start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void freshPrefix() {
    prefix = "dash" + SEQ.incrementAndGet();
  }

  @AfterEach
  void stopEverything() {
    undeployDashboard();
    buses.forEach(b -> await(b.close()));
    buses.clear();
  }

  protected BusOptions busOptions() {
    return new BusOptions().setConnectionString(redis.uri()).setKeyPrefix(prefix);
  }

  protected StreamBus bus() {
    return bus(busOptions());
  }

  protected StreamBus bus(BusOptions options) {
    StreamBus b = StreamBus.create(vertx, options, new SimpleMeterRegistry());
    buses.add(b);
    return b;
  }

  /** Deploys the fat-jar's verticle against the test's Redis and prefix, on a free port. */
  protected void startDashboard(DashboardOptions options) {
    DashboardVerticle verticle = new DashboardVerticle(new DashboardConfig(busOptions(), options, "127.0.0.1", 0));
    deployment = await(vertx.deployVerticle(verticle));
    baseUrl = "http://127.0.0.1:" + verticle.actualPort();
  }

  protected void undeployDashboard() {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
      deployment = null;
    }
  }

  protected String stream(String topic, int partition) {
    return prefix + ":{" + topic + ":" + partition + "}";
  }

  /** The response of one request; {@code token} (may be null) goes in the X-Bus-Token header. */
  protected HttpResponse<String> send(String method, String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("X-Bus-Token", token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  /** GETs {@code path}, asserting 200, as JSON. */
  protected JsonObject getJson(String path) {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Polls {@code path} until its JSON satisfies {@code accept}. */
  protected JsonObject awaitJson(String path, Predicate<JsonObject> accept, String what) {
    return Poll.until(Duration.ofSeconds(20), () -> getJson(path), accept, what);
  }

  /** Waits until the dashboard has taken a sample that started after this call. */
  protected JsonObject awaitFreshSample() {
    long now = System.currentTimeMillis();
    return awaitJson("/api/topics", j -> j.getLong("sampledAt") > now, "a sample taken after " + now);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
