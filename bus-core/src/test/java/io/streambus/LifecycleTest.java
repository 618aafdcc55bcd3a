package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleTest extends BusTestBase {

  @Test
  void neverMoreThanMaxInFlightHandlerCallsAndReadsAskOnlyForFreeSlots() {
    StreamBus bus = bus();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Promise<Void> p = Promise.promise();
      vertx.setTimer(5, t -> {
        inFlight.decrementAndGet();
        done.incrementAndGet();
        p.complete();
      });
      return p.future();
    }, fastConsumer().setMaxInFlight(7)));
    for (int i = 0; i < 300; i++) {
      bus.publish(topic, "m" + i);
    }
    eventually(Duration.ofSeconds(30), () -> done.get() == 300, "all handled");
    assertThat(peak.get()).isEqualTo(7);
    // the reader's COUNT never exceeded the free slots, so this consumer never held more than 7 unacknowledged
    assertThat(redis.command("XPENDING", stream(0), "g")).startsWith("0");
  }

  @Test
  void theBlockingReadHasAConnectionOfItsOwn() {
    StreamBus bus = bus();
    AtomicInteger done = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      done.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setBlockMs(60_000)));
    for (int i = 0; i < 3; i++) {
      await(bus.publish(topic, "m" + i));
      int expected = i + 1;
      // a read parked for a minute holds up neither the publish nor the acknowledgement
      eventually(Duration.ofSeconds(10), () -> done.get() == expected
          && redis.command("XPENDING", stream(0), "g").startsWith("0"), "handled and acked");
    }
    List<String> readers = new java.util.ArrayList<>();
    List<String> writers = new java.util.ArrayList<>();
    for (String line : redis.command("CLIENT", "LIST").split("\n")) {
      String id = line.substring(3, line.indexOf(' '));
      if (line.contains("cmd=xreadgroup")) {
        readers.add(id);
      } else if (line.contains("cmd=xack") || line.contains("cmd=xadd")) {
        writers.add(id);
      }
    }
    assertThat(readers).hasSize(1);
    assertThat(writers).isNotEmpty().doesNotContainAnyElementsOf(readers);
  }

  @Test
  void closeDrainsInFlightHandlersFlushesAcksAndLeavesTheGroup() {
    StreamBus bus = bus();
    Queue<Promise<Void>> held = new ConcurrentLinkedQueue<>();
    Subscription sub = await(bus.subscribe(topic, "g", m -> {
      Promise<Void> p = Promise.promise();
      held.add(p);
      return p.future();
    }, fastConsumer().setConsumerName("leaving").setMaxInFlight(5)));
    for (int i = 0; i < 5; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> held.size() == 5, "5 in flight");
    Future<Void> closed = sub.close();
    assertThat(closed.isComplete()).isFalse();
    await(bus.publish(topic, "after close"));
    held.forEach(p -> vertx.runOnContext(v -> p.complete()));
    await(closed);
    assertThat(sub.isClosed()).isTrue();
    assertThat(held).hasSize(5); // nothing new was read after close()
    assertThat(redis.command("XPENDING", stream(0), "g")).startsWith("0");
    assertThat(redis.command("XINFO", "CONSUMERS", stream(0), "g")).doesNotContain("leaving");
  }

  @Test
  void closeAfterTheDeadlineLeavesUnfinishedMessagesPendingForPeers() {
    StreamBus bus = bus();
    Subscription sub = await(bus.subscribe(topic, "g", m -> Promise.<Void>promise().future(),
        fastConsumer().setConsumerName("slow").setCloseTimeoutMs(200).setHandlerTimeoutMs(600_000)));
    await(bus.publish(topic, "stuck"));
    eventually(Duration.ofSeconds(10), () -> redis.command("XPENDING", stream(0), "g").startsWith("1"), "held");
    await(sub.close());
    assertThat(redis.command("XPENDING", stream(0), "g")).startsWith("1");
    assertThat(redis.command("XINFO", "CONSUMERS", stream(0), "g")).contains("slow");

    AtomicInteger got = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      got.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setClaimMinIdleMs(300)));
    eventually(Duration.ofSeconds(10), () -> got.get() == 1, "a peer finished it");
  }

  @Test
  void pauseStopsReadingAndResumeContinues() {
    StreamBus bus = bus();
    AtomicInteger got = new AtomicInteger();
    Subscription sub = await(bus.subscribe(topic, "g", m -> {
      got.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    await(bus.publish(topic, "1"));
    eventually(Duration.ofSeconds(10), () -> got.get() == 1, "first");
    sub.pause();
    // a paused reader finishes its current BLOCK (200 ms) and then stops: wait for that to pass
    eventually(Duration.ofSeconds(5), () -> idleSince(stream(0)) > 500, "reader parked");
    await(bus.publish(topic, "2"));
    assertThat(got.get()).isEqualTo(1);
    sub.resume();
    eventually(Duration.ofSeconds(10), () -> got.get() == 2, "second after resume");
  }

  /** Ms since the subscription's consumer last read. */
  private long idleSince(String stream) {
    List<String> lines = List.of(redis.command("XINFO", "CONSUMERS", stream, "g").split("\n"));
    int i = lines.indexOf("idle");
    return i < 0 ? 0 : Long.parseLong(lines.get(i + 1));
  }

  @Test
  void closingTheBusClosesSubscriptionsAndRefusesNewWork() {
    StreamBus bus = bus();
    Subscription sub = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(), fastConsumer()));
    await(bus.close());
    assertThat(sub.isClosed()).isTrue();
    assertThat(awaitFailure(bus.publish(topic, "x"))).isInstanceOf(BusException.Closed.class);
  }

  /**
   * A subscription's units assume one event loop: its own. The topic's registration may answer on another context;
   * the subscription must still be built and run on the one it was made on (two event loops on one AckBatcher lost
   * acknowledgements).
   */
  @Test
  void subscriptionsMadeAtOnceOnSeveralEventLoopsEachRunOnTheirOwn() {
    assertHandlersRunOnTheSubscribingContext(bus());
  }
}
