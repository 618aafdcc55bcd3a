package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases: what a subscription holds is never handed to a peer while it works on it, and a lost lease is let go. */
class LeaseTest extends BusTestBase {

  /** Handlers take 5x the claim min idle; two members; each message is handled once, never concurrently. */
  @Test
  void aHandlerRunningFarLongerThanClaimMinIdleIsNeverHandedToAPeer() {
    StreamBus bus = bus();
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    List<Integer> deliveryCounts = new CopyOnWriteArrayList<>();
    AtomicInteger done = new AtomicInteger();
    ConsumerOptions opts = fastConsumer().setClaimMinIdleMs(1_000).setReclaimIntervalMs(100).setMaxInFlight(4);
    for (int s = 0; s < 2; s++) {
      await(bus.subscribe(topic, "g", m -> {
        calls.computeIfAbsent(m.json().getInteger("i"), k -> new AtomicInteger()).incrementAndGet();
        deliveryCounts.add(m.deliveryCount());
        running.incrementAndGet();
        Promise<Void> p = Promise.promise();
        vertx.setTimer(5_000, t -> {
          running.decrementAndGet();
          done.incrementAndGet();
          p.complete();
        });
        return p.future();
      }, new ConsumerOptions(opts)));
    }
    int n = 8;
    for (int i = 0; i < n; i++) {
      await(bus.publish(topic, new JsonObject().put("i", i)));
    }
    eventually(Duration.ofSeconds(30), () -> done.get() == n && settled(bus), "all handled and acknowledged");
    System.out.printf("leases: %d messages, handler 5000 ms, claim min idle 1000 ms: %d handler calls, reclaimed %d%n",
        n, deliveryCounts.size(), count(BusMeters.RECLAIMED));
    assertThat(calls).hasSize(n);
    assertThat(calls.values()).allMatch(c -> c.get() == 1);
    assertThat(deliveryCounts).allMatch(c -> c == 1);
    assertThat(count(BusMeters.RECLAIMED)).isZero();
  }

  /**
   * A consumer whose process pauses (its event loop blocked) past the claim min idle loses its leases: a peer takes
   * the messages, and when the paused one wakes it neither acknowledges them over the peer nor takes them back.
   */
  @Test
  void aConsumerPausedPastClaimMinIdleLosesItsLeasesAndLeavesTheMessagesToThePeer() throws Exception {
    Vertx pausedVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    try {
      StreamBus pausedBus = StreamBus.create(pausedVertx, busOptions(), registry);
      StreamBus bus = bus();
      // published first, and through the other bus: the paused bus's event loop will be blocked
      for (int i = 0; i < 3; i++) {
        await(bus.publish(topic, new JsonObject().put("i", i)));
      }
      CountDownLatch wake = new CountDownLatch(1);
      Queue<String> lost = new ConcurrentLinkedQueue<>();
      AtomicInteger pausedCalls = new AtomicInteger();
      await(pausedBus.subscribe(topic, "g", m -> {
        if (pausedCalls.incrementAndGet() == 1) {
          try {
            // the pause: this blocks the paused bus's only event loop, so its renewals stop too
            wake.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return Future.succeededFuture();
      }, fastConsumer().setConsumerName("paused").setMaxInFlight(3).setClaimMinIdleMs(500)
          .setStartPosition(StartPosition.BEGINNING).setListener(new ConsumerListener() {
            @Override
            public void onLeaseLost(Message message, String reason) {
              lost.add(message.id().value());
            }
          })));
      eventually(Duration.ofSeconds(10), () -> pausedCalls.get() == 1, "the paused consumer took the first one");

      Queue<Promise<Void>> peerHeld = new ConcurrentLinkedQueue<>();
      List<Integer> peerCounts = new CopyOnWriteArrayList<>();
      await(bus.subscribe(topic, "g", m -> {
        peerCounts.add(m.deliveryCount());
        Promise<Void> p = Promise.promise();
        peerHeld.add(p);
        return p.future();
      }, fastConsumer().setConsumerName("peer").setClaimMinIdleMs(500)));
      eventually(Duration.ofSeconds(15), () -> peerHeld.size() == 3, "the peer took over all three");

      wake.countDown();
      eventually(Duration.ofSeconds(15), () -> lost.size() == 3, () -> "the paused consumer reported 3 lost leases: "
          + lost);
      // the two it had queued never reached its handler: after the pause their leases were uncertain, and the
      // renewal found them lost
      assertThat(pausedCalls.get()).isEqualTo(1);
      // nothing was acknowledged over the peer: all three are still pending, on the peer
      assertThat(on(stream(0), "XPENDING", stream(0), "g", "-", "+", "10", "peer").split("\n")).hasSize(3 * 4);
      assertThat(on(stream(0), "XPENDING", stream(0), "g")).startsWith("3");
      peerHeld.forEach(Promise::complete);
      eventually(Duration.ofSeconds(10), () -> settled(bus), "the peer acknowledged them");
      assertThat(peerCounts).containsOnly(2);
      assertThat(count(BusMeters.LEASE_LOST)).isEqualTo(3);
      await(pausedBus.close());
    } finally {
      pausedVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** close() hands back what was read but not started: a peer with a long claim min idle has it at once. */
  @Test
  void closeHandsBackWhatWasNotStartedSoAPeerTakesItAtItsNextReclaimTick() {
    StreamBus bus = bus();
    AtomicInteger started = new AtomicInteger();
    // a rate limit keeps what was read queued: one handler call, the rest waiting for tokens
    Subscription slow = await(bus.subscribe(topic, "g", m -> {
      started.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setConsumerName("leaving").setMaxInFlight(10).setMaxRatePerSecond(0.2)));
    for (int i = 0; i < 10; i++) {
      await(bus.publish(topic, new JsonObject().put("i", i)));
    }
    eventually(Duration.ofSeconds(10), () -> started.get() == 1
        && on(stream(0), "XPENDING", stream(0), "g").startsWith("9"), "one started, nine queued");

    List<Integer> counts = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      counts.add(m.deliveryCount());
      return Future.succeededFuture();
    }, fastConsumer().setConsumerName("peer").setClaimMinIdleMs(600_000).setReclaimIntervalMs(200)));
    long closing = System.nanoTime();
    await(slow.close());
    eventually(Duration.ofSeconds(10), () -> counts.size() == 9, "the peer handled the nine handed back");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
    System.out.printf("hand-back: 9 queued messages reached a peer %d ms after close() began (reclaim interval "
        + "200 ms, the peer's claim min idle 600000 ms)%n", ms);
    assertThat(counts).containsOnly(1);
    assertThat(started.get()).isEqualTo(1);
    eventually(Duration.ofSeconds(5), () -> settled(bus), "all acknowledged");
  }

  /** A listener that throws from every callback changes nothing: reads, reclaims and dead letters go on. */
  @Test
  void aListenerThatThrowsFromEveryCallbackIsIgnored() {
    AtomicInteger thrown = new AtomicInteger();
    ConsumerListener hostile = new ConsumerListener() {
      private void boom() {
        thrown.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onRedisError(String stream, String operation, Throwable error) {
        boom();
      }

      @Override
      public void onHandlerFailure(Message message, Throwable error, boolean willRetry) {
        boom();
      }

      @Override
      public void onReclaim(String stream, int claimed, int trimmed) {
        boom();
      }

      @Override
      public void onDeadLetter(String stream, String entryId, String reason) {
        boom();
      }

      @Override
      public void onLeaseLost(Message message, String reason) {
        boom();
      }
    };
    StreamBus bus = bus();
    // a message stuck on a consumer that went away, for the reclaim callback
    on(stream(0), "XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
    await(bus.publish(topic, "orphan"));
    on(stream(0), "XREADGROUP", "GROUP", "g", "gone", "COUNT", "1", "STREAMS", stream(0), ">");
    // a group that vanishes under the reader, for the Redis error callback
    AtomicInteger handled = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      handled.incrementAndGet();
      return "poison".equals(m.payload().toString()) ? Future.failedFuture("bad") : Future.succeededFuture();
    }, fastConsumer().setMaxDeliveries(2).setClaimMinIdleMs(300).setListener(hostile)));
    await(bus.publish(topic, "poison"));
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.DEAD_LETTERED) == 1 && count(BusMeters.RECLAIMED) == 1,
        "dead-lettered and reclaimed despite the listener");
    on(stream(0), "XGROUP", "DESTROY", stream(0), "g");
    await(bus.publish(topic, "after"));
    eventually(Duration.ofSeconds(15), () -> handled.get() >= 4, "still reading after the group vanished");
    assertThat(thrown.get()).isGreaterThanOrEqualTo(4); // failures, reclaim, dead letter, Redis error
  }
}
