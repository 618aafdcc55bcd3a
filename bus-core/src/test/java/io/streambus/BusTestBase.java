package io.streambus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.testsupport.FlavorAvailable;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real redis-server per test class (flavor from {@code -Dstreambus.test.redis}), a Vert.x instance, random topic
 * names per test, and helpers to wait for futures and conditions with deadlines. A managed variant of a suite
 * ({@code @ExtendWith(ManagedProfile.Cluster.class)} or {@code .Serverless}) runs the same tests on the managed-Redis
 * profile instead: {@link #busOptions()}, {@link #on} and {@link #servers()} then lead there.
 */
@ExtendWith(FlavorAvailable.class) // no Valkey binary here: skipped, with a notice
public abstract class BusTestBase {
  private static final AtomicInteger SEQ = new AtomicInteger();
  protected static RedisServer redis;
  protected static Vertx vertx;
  /** The managed-Redis profile of a managed variant of a suite ({@link ManagedProfile}); null: the one server. */
  private static ManagedProfile profile;
  protected SimpleMeterRegistry registry;
  protected String topic;
  private final List<StreamBus> buses = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.startDefault();
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
  void names(TestInfo info) {
    registry = new SimpleMeterRegistry();
    topic = info.getTestMethod().map(m -> m.getName()).orElse("t") + "-" + SEQ.incrementAndGet();
  }

  @AfterEach
  void closeBuses() {
    for (StreamBus b : buses) {
      try {
        await(b.close());
      } catch (RuntimeException e) {
        // a test that broke Redis on purpose may leave a bus that cannot close cleanly
      }
    }
    buses.clear();
  }

  protected BusOptions busOptions() {
    if (profile != null) {
      return profile.busOptions();
    }
    return new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("test");
  }

  /** Set by {@link ManagedProfile} from before the first test of its class to after the last. */
  static void useProfile(ManagedProfile managed) {
    profile = managed;
  }

  protected StreamBus bus() {
    return bus(busOptions());
  }

  protected StreamBus bus(BusOptions options) {
    StreamBus b = StreamBus.create(vertx, options, registry);
    buses.add(b);
    return b;
  }

  protected static ConsumerOptions fastConsumer() {
    return new ConsumerOptions().setBlockMs(200).setClaimMinIdleMs(1_000).setReclaimIntervalMs(200)
        .setRetry(new RetryOptions().setInitialBackoffMs(20).setMaxBackoffMs(100)).setCloseTimeoutMs(5_000);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new RuntimeException(cause);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  public static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
    throw new AssertionError("expected the future to fail, it succeeded with " + future.result());
  }

  protected static void eventually(Duration timeout, BooleanSupplier condition, String what) {
    Poll.until(timeout, condition, () -> what);
  }

  protected static void eventually(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    Poll.until(timeout, condition, what);
  }

  /**
   * A command through the harness on the server that holds {@code key}: the one server here, the key's master in the
   * cluster and managed variants.
   */
  protected String on(String key, String... args) {
    return profile != null ? profile.on(key, args) : redis.command(args);
  }

  /** Every server the bus's clients talk to, for commands about clients (CLIENT LIST / KILL) through the harness. */
  protected List<RedisServer> servers() {
    return profile != null ? profile.servers() : List.of(redis);
  }

  protected String stream(int partition) {
    return "test:{" + topic + ":" + partition + "}";
  }

  protected String dlq(int partition) {
    return stream(partition) + ":dlq";
  }

  /** True when every group of this test's topic has nothing unread and nothing pending, as the bus's stats say. */
  protected boolean settled(StreamBus bus) {
    return await(bus.admin().topic(topic)).groups().stream().allMatch(g -> g.lag() == 0 && g.pending() == 0);
  }

  protected long count(String meter) {
    return (long) registry.find(meter).counters().stream().mapToDouble(c -> c.count()).sum();
  }
  /** The context of a new (empty) verticle: deployments are spread over the event loops round robin. */
  protected static io.vertx.core.Context verticleContext() {
    io.vertx.core.Context[] holder = new io.vertx.core.Context[1];
    await(vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        holder[0] = context;
        return Future.succeededFuture();
      }
    }));
    return holder[0];
  }

  /** A verticle context whose event loop is not {@code other}'s. */
  protected static io.vertx.core.Context contextOnAnotherEventLoopThan(io.vertx.core.Context other) {
    String otherThread = threadOf(other);
    for (int i = 0; i < 16; i++) {
      io.vertx.core.Context c = verticleContext();
      if (!threadOf(c).equals(otherThread)) {
        return c;
      }
    }
    throw new AssertionError("no second event loop");
  }

  protected static String threadOf(io.vertx.core.Context context) {
    Promise<String> name = Promise.promise();
    context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return await(name.future());
  }

  /**
   * Subscribes to a new topic from three verticles at once, each on its own event loop (the topic's registration
   * answers on whichever context opened the bus's command connection), and checks that every handler runs on the event
   * loop of the context it subscribed on, and that everything is acknowledged.
   */
  protected void assertHandlersRunOnTheSubscribingContext(StreamBus bus) {
    List<io.vertx.core.Context> contexts = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    while (contexts.size() < 3) {
      io.vertx.core.Context c = verticleContext();
      String thread = threadOf(c);
      if (!threads.contains(thread)) {
        contexts.add(c);
        threads.add(thread);
      }
    }
    Map<String, Queue<String>> handlerThreads = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<Subscription>> subscribed = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      Queue<String> seen = new ConcurrentLinkedQueue<>();
      handlerThreads.put(threads.get(i), seen);
      Promise<Subscription> p = Promise.promise();
      contexts.get(i).runOnContext(v -> bus.subscribe(topic, "g", m -> {
        seen.add(Thread.currentThread().getName());
        return Future.succeededFuture();
      }, fastConsumer().setMaxInFlight(4)).onComplete(p));
      subscribed.add(p.future());
    }
    await(Future.all(subscribed));
    for (int i = 0; i < 60; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(15), () -> handlerThreads.values().stream().mapToInt(Queue::size).sum() >= 60
        && settled(bus), "all handled and acknowledged");
    handlerThreads.forEach((subscribedOn, ran) -> assertThat(ran)
        .as("handlers of the subscription made on " + subscribedOn).allMatch(subscribedOn::equals));
  }
}
