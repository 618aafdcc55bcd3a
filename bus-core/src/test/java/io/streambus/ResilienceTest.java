package io.streambus;

import io.streambus.testsupport.FaultProxy;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis restarts, dropped connections, an unreachable Redis: the bus keeps going and loses nothing. */
class ResilienceTest extends BusTestBase {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    closeBuses(); // before their Redis goes away, so that they close cleanly
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private RedisServer aofServer() {
    RedisServer s = RedisServer.builder().aof(true).name("resilience").start();
    closeables.add(s);
    return s;
  }

  private StreamBus busOn(String uri) {
    return bus(busOptions().setConnectionString(uri).setPublishTimeoutMs(15_000).setReconnectMaxMs(200));
  }

  @Test
  void publishingAndConsumingResumeAfterARedisRestartWithNothingLost() {
    RedisServer server = aofServer();
    StreamBus bus = busOn(server.uri());
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      seen.add(m.json().getInteger("i"));
      return Future.succeededFuture();
    }, fastConsumer()));
    List<Future<MessageId>> acked = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      acked.add(bus.publish(topic, new JsonObject().put("i", i)));
    }
    await(Future.all(acked));
    eventually(Duration.ofSeconds(10), () -> seen.size() == 200, "first 200");

    server.kill();
    // publishes issued while Redis is down wait for it (within their deadline) instead of failing
    List<Future<MessageId>> during = new ArrayList<>();
    for (int i = 200; i < 300; i++) {
      during.add(bus.publish(topic, new JsonObject().put("i", i)));
    }
    server.start();
    await(Future.all(during));
    eventually(Duration.ofSeconds(20), () -> seen.size() == 300, "all 300 after the restart");
    eventually(Duration.ofSeconds(10), () -> server.command("XPENDING", stream(0), "g").startsWith("0"),
        "everything acknowledged");
  }

  @Test
  void droppedConnectionsAreReestablishedByThemselves() {
    RedisServer server = aofServer();
    FaultProxy proxy = FaultProxy.start(server.host(), server.port());
    closeables.add(0, proxy);
    StreamBus bus = busOn(proxy.uri());
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      seen.add(m.json().getInteger("i"));
      return Future.succeededFuture();
    }, fastConsumer()));
    for (int round = 0; round < 3; round++) {
      int base = round * 100;
      List<Future<MessageId>> sent = new ArrayList<>();
      for (int i = base; i < base + 100; i++) {
        sent.add(bus.publish(topic, new JsonObject().put("i", i)));
      }
      await(Future.all(sent));
      proxy.dropConnections();
    }
    eventually(Duration.ofSeconds(20), () -> seen.size() == 300, "all 300 despite 3 drops");
    eventually(Duration.ofSeconds(10), () -> server.command("XPENDING", stream(0), "g").startsWith("0"),
        "everything acknowledged");
  }

  @Test
  void publishesThatRedisDoesNotAnswerFailAtTheirDeadlinesOneAfterAnother() throws InterruptedException {
    StreamBus bus = bus(busOptions().setConnectionString(redis.uri()).setPublishTimeoutMs(300));
    await(bus.publish(topic, "ok"));
    redis.command("CLIENT", "PAUSE", "1500", "WRITE");
    long started = System.currentTimeMillis();
    Future<MessageId> first = bus.publish(topic, "held 1");
    // not a wait for a condition: it spaces the two deadlines 500 ms apart, so that each must fail at its own. (100 ms
    // was too close on a loaded machine: a deadline timer that fired 110 ms late found both expired at once.)
    Thread.sleep(500);
    Future<MessageId> second = bus.publish(topic, "held 2");
    Throwable e1 = awaitFailure(first);
    long firstTook = System.currentTimeMillis() - started;
    Throwable e2 = awaitFailure(second);
    long secondTook = System.currentTimeMillis() - started;
    assertThat(e1).isInstanceOf(BusException.Timeout.class).hasMessageContaining("did not answer");
    assertThat(e2).isInstanceOf(BusException.Timeout.class);
    assertThat(firstTook).isBetween(250L, 700L);
    assertThat(secondTook).isBetween(firstTook + 250, 1_400L);
    redis.command("CLIENT", "UNPAUSE");
    await(bus.publish(topic, "works again"));
  }

  /**
   * The same from two event loops at once (each keeps its own watch list, see Deadlines): every publish fails at its
   * own deadline, on the context that made it.
   */
  @Test
  void publishesFromSeveralEventLoopsFailAtTheirDeadlinesOnTheirOwnContexts() {
    StreamBus bus = bus(busOptions().setConnectionString(redis.uri()).setPublishTimeoutMs(400));
    await(bus.publish(topic, "ok"));
    io.vertx.core.Context a = verticleContext();
    io.vertx.core.Context b = contextOnAnotherEventLoopThan(a);
    redis.command("CLIENT", "PAUSE", "5000", "WRITE");
    List<Future<String>> failures = new ArrayList<>();
    long started = System.currentTimeMillis();
    for (io.vertx.core.Context c : List.of(a, b)) {
      io.vertx.core.Promise<String> failedOn = io.vertx.core.Promise.promise();
      c.runOnContext(v -> bus.publish(topic, "held").onComplete(ar -> failedOn.complete(ar.succeeded() ? "stored"
          : ar.cause().getClass().getSimpleName() + " on " + Thread.currentThread().getName())));
      failures.add(failedOn.future());
    }
    String onA = await(failures.get(0));
    String onB = await(failures.get(1));
    long took = System.currentTimeMillis() - started;
    assertThat(onA).isEqualTo("Timeout on " + threadOf(a));
    assertThat(onB).isEqualTo("Timeout on " + threadOf(b));
    assertThat(took).isBetween(300L, 4_500L);
    redis.command("CLIENT", "UNPAUSE");
    await(bus.publish(topic, "works again"));
  }

  /**
   * The deadline watch of an event loop outlives the verticle that watched first: when it is undeployed (which
   * cancels the Vert.x timers it set), the publishes of another verticle on the same event loop still fail at their
   * deadlines.
   */
  @Test
  void publishesFailAtTheirDeadlinesAfterTheVerticleThatWatchedFirstIsUndeployed() {
    StreamBus bus = bus(busOptions().setConnectionString(redis.uri()).setPublishTimeoutMs(1_000));
    await(bus.publish(topic, "ok")); // connects and registers the topic, from this thread
    String[] first = new String[1];
    io.vertx.core.Context a = deployed(first);
    io.vertx.core.Context b = null;
    for (int i = 0; i < 16 && b == null; i++) {
      io.vertx.core.Context c = verticleContext();
      if (threadOf(c).equals(threadOf(a))) {
        b = c;
      }
    }
    assertThat(b).as("a second verticle on the first one's event loop").isNotNull();
    redis.command("CLIENT", "PAUSE", "20000", "WRITE");
    try {
      io.vertx.core.Promise<Void> watched = io.vertx.core.Promise.promise();
      a.runOnContext(v -> {
        bus.publish(topic, "held, from the verticle that goes");
        watched.complete();
      });
      await(watched.future());
      io.vertx.core.Promise<String> outcome = io.vertx.core.Promise.promise();
      long started = System.currentTimeMillis();
      b.runOnContext(v -> bus.publish(topic, "held, from the verticle that stays").onComplete(ar -> outcome.complete(
          ar.succeeded() ? "stored" : ar.cause().getClass().getSimpleName())));
      await(vertx.undeploy(first[0]));
      assertThat(await(outcome.future())).isEqualTo("Timeout");
      assertThat(System.currentTimeMillis() - started).isBetween(900L, 5_000L);
    } finally {
      redis.command("CLIENT", "UNPAUSE");
    }
    await(bus.publish(topic, "works again"));
  }

  /** The context of a new verticle; {@code id[0]} gets its deployment id. */
  private static io.vertx.core.Context deployed(String[] id) {
    io.vertx.core.Context[] holder = new io.vertx.core.Context[1];
    id[0] = await(vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        holder[0] = context;
        return Future.succeededFuture();
      }
    }));
    return holder[0];
  }

  @Test
  void aPublishWhoseDeadlinePassesFailsWithAClearError() {
    RedisServer server = aofServer();
    FaultProxy proxy = FaultProxy.start(server.host(), server.port());
    closeables.add(0, proxy);
    StreamBus bus = bus(busOptions().setConnectionString(proxy.uri()).setPublishTimeoutMs(500));
    // the first publish also connects and registers the topic: on a loaded machine that can take longer than the
    // 500 ms deadline under test, so it is tried until it succeeds
    eventuallyPublishes(bus, "ok");
    proxy.refuse(true);
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(bus.publish(topic, "lost?"));
    long took = System.currentTimeMillis() - started;
    assertThat(e).isInstanceOf(BusException.Timeout.class).hasMessageContaining("Redis");
    assertThat(took).isBetween(400L, 5_000L);
    proxy.refuse(false);
    // reconnecting backs off, and may not be done within one 500 ms deadline
    eventuallyPublishes(bus, "works again");
  }

  private void eventuallyPublishes(StreamBus bus, String payload) {
    eventually(Duration.ofSeconds(15), () -> {
      try {
        await(bus.publish(topic, payload));
        return true;
      } catch (BusException.Timeout e) {
        return false;
      }
    }, "a publish succeeds");
  }

  @Test
  void tooManyWaitingPublishesFailFastWithBackpressure() {
    RedisServer server = aofServer();
    FaultProxy proxy = FaultProxy.start(server.host(), server.port());
    closeables.add(0, proxy);
    StreamBus bus = bus(busOptions().setConnectionString(proxy.uri()).setMaxPendingPublishes(10)
        .setPublishTimeoutMs(3_000));
    await(bus.publish(topic, "registers the topic"));
    proxy.refuse(true);
    List<Future<MessageId>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(bus.publish(topic, "w" + i));
    }
    Throwable e = awaitFailure(bus.publish(topic, "one too many"));
    assertThat(e).isInstanceOf(BusException.Backpressure.class).hasMessageContaining("10");
    proxy.refuse(false);
    await(Future.all(waiting));
    assertThat(server.command("XLEN", stream(0))).isEqualTo("11");
  }

  @Test
  void aDeletedGroupIsRecreatedFromTheBeginningSoNothingPublishedMeanwhileIsSkipped() {
    StreamBus bus = bus();
    List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m.text());
      return Future.succeededFuture();
    }, fastConsumer()));
    await(bus.publish(topic, "1"));
    eventually(Duration.ofSeconds(10), () -> got.contains("1"), "first");
    redis.command("XGROUP", "DESTROY", stream(0), "g");
    // published while the group does not exist: a group recreated at "$" would never see it
    redis.command("XADD", stream(0), "*", "payload", "2");
    eventually(Duration.ofSeconds(10), () -> redis.command("XINFO", "GROUPS", stream(0)).contains("g"),
        "group recreated");
    await(bus.publish(topic, "3"));
    eventually(Duration.ofSeconds(10), () -> got.contains("2") && got.contains("3"), () -> "got " + got);
    // "1" is still in the stream (trimming had not run): redelivered, a duplicate rather than a loss
    assertThat(got).containsSubsequence("1", "2", "3");
  }

}
