package io.streambus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.testsupport.FlavorAvailable;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * opentelemetry-api is an optional dependency of bus-core: a bus publishes and consumes with no OpenTelemetry class
 * on the class path. The class path of this test minus every OpenTelemetry jar, in a class loader of its own, runs
 * {@link Probe} against a real redis-server.
 */
@ExtendWith(FlavorAvailable.class)
class WithoutOpenTelemetryTest {

  @Test
  void aBusPublishesAndConsumesWithNoOpenTelemetryOnTheClassPath() throws Exception {
    List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    URL[] urls = entries.stream().filter(e -> !e.contains("opentelemetry")).map(WithoutOpenTelemetryTest::url)
        .toArray(URL[]::new);
    assertThat(urls.length).as("the class path, minus OpenTelemetry: " + entries).isLessThan(entries.size());
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (RedisServer redis = RedisServer.startDefault();
         URLClassLoader withoutOtel = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> withoutOtel.loadClass("io.opentelemetry.api.OpenTelemetry"))
          .isInstanceOf(ClassNotFoundException.class);
      // service files (Vert.x's) are looked up through the context class loader: it must not see the others
      Thread.currentThread().setContextClassLoader(withoutOtel);
      @SuppressWarnings("unchecked")
      Function<String, String> probe = (Function<String, String>) withoutOtel.loadClass(Probe.class.getName())
          .getConstructor().newInstance();
      assertThat(probe.apply(redis.uri())).isEqualTo("delivered: hello, headers {}");
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private static URL url(String entry) {
    try {
      return new File(entry).toURI().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }

  /** Runs inside the class loader without OpenTelemetry: publishes one message and returns what the handler saw. */
  public static final class Probe implements Function<String, String> {
    @Override
    public String apply(String redisUri) {
      Vertx vertx = Vertx.vertx();
      try {
        StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redisUri).setKeyPrefix("no-otel"),
            new SimpleMeterRegistry());
        CompletableFuture<String> seen = new CompletableFuture<>();
        get(bus.subscribe("probe", "g", m -> {
          seen.complete("delivered: " + m.text() + ", headers " + m.headers());
          return Future.succeededFuture();
        }, new ConsumerOptions().setBlockMs(200)));
        get(bus.publish("probe", "hello"));
        String result = seen.get(30, TimeUnit.SECONDS);
        get(bus.close());
        return result;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        // before the class loader closes: the event loops load classes while they shut down
        try {
          get(vertx.close());
        } catch (Exception e) {
          throw new IllegalStateException("Vert.x did not close", e);
        }
      }
    }

    private static <T> T get(Future<T> f) throws Exception {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
