package io.streambus;

import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReclaimTest extends BusTestBase {

  /**
   * A message that "kills" every worker that takes it ends in the DLQ once its deliveries reach the limit. A crash
   * is a subscription that vanishes holding the message (closed with no time to drain, so it stays pending on it).
   */
  @Test
  void aMessageThatCrashesEveryConsumerEndsInTheDeadLetterStream() {
    StreamBus bus = bus();
    AtomicInteger attempts = new AtomicInteger();
    ConsumerOptions opts = fastConsumer().setMaxDeliveries(3).setClaimMinIdleMs(300).setHandlerTimeoutMs(600_000)
        .setCloseTimeoutMs(0).setStartPosition(StartPosition.BEGINNING);
    await(bus.publish(topic, "crash me"));
    for (int i = 0; i < 4 && !"1".equals(on(dlq(0), "XLEN", dlq(0))); i++) {
      int before = attempts.get();
      // The handler can run before subscribe()'s future reaches this thread, so it closes through a promise.
      Promise<Subscription> self = Promise.promise();
      bus.subscribe(topic, "g", m -> {
        attempts.incrementAndGet();
        vertx.setTimer(1, t -> self.future().onSuccess(Subscription::close));
        return Promise.<Void>promise().future();
      }, new ConsumerOptions(opts).setConsumerName("w" + i)).onComplete(self);
      Subscription worker = await(self.future());
      eventually(Duration.ofSeconds(10), () -> attempts.get() > before || "1".equals(on(dlq(0), "XLEN", dlq(0))),
          "worker " + worker.consumerName() + " took it or it was dead-lettered");
      if (attempts.get() > before) {
        eventually(Duration.ofSeconds(10), worker::isClosed, "crashed");
      }
    }
    eventually(Duration.ofSeconds(10), () -> "1".equals(on(dlq(0), "XLEN", dlq(0))), "in the DLQ");
    assertThat(attempts.get()).isEqualTo(3);
    DeadLetter d = await(bus.deadLetters(topic).list(null, 1)).items().get(0);
    assertThat(d.errorClass()).isEqualTo("delivery-limit");
    assertThat(d.deliveries()).isEqualTo(3);
  }

  @Test
  void pendingEntriesDeletedFromTheStreamAreAcknowledgedAndCountedNotLoopedOn() {
    StreamBus bus = bus();
    await(bus.subscribe(topic, "g", m -> Promise.<Void>promise().future(),
        fastConsumer().setConsumerName("stuck").setHandlerTimeoutMs(600_000).setCloseTimeoutMs(100)));
    MessageId id = await(bus.publish(topic, "gone soon"));
    eventually(Duration.ofSeconds(10), () -> on(stream(0), "XPENDING", stream(0), "g").startsWith("1"), "pending");
    on(stream(0), "XDEL", stream(0), id.value());
    await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        fastConsumer().setConsumerName("peer").setClaimMinIdleMs(300)));
    eventually(Duration.ofSeconds(10), () -> on(stream(0), "XPENDING", stream(0), "g").startsWith("0"),
        "the dangling pending id is acknowledged");
    eventually(Duration.ofSeconds(5), () -> count(BusMeters.PENDING_TRIMMED) == 1, "counted");
  }

  @Test
  void aRestartedConsumerWithAFixedNameRecoversItsOwnPendingAtOnce() {
    StreamBus first = bus();
    Subscription s = await(first.subscribe(topic, "g", m -> Promise.<Void>promise().future(),
        fastConsumer().setConsumerName("fixed").setHandlerTimeoutMs(600_000).setCloseTimeoutMs(1)));
    await(first.publish(topic, "x"));
    eventually(Duration.ofSeconds(10), () -> on(stream(0), "XPENDING", stream(0), "g").startsWith("1"), "held");
    await(s.close());
    assertThat(on(stream(0), "XPENDING", stream(0), "g")).startsWith("1");

    AtomicInteger got = new AtomicInteger();
    await(bus().subscribe(topic, "g", m -> {
      got.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer().setConsumerName("fixed").setClaimMinIdleMs(600_000)));
    eventually(Duration.ofSeconds(10), () -> got.get() == 1, "own pending redelivered without waiting for idle");
  }

  @Test
  void idleConsumersHoldingNothingAreRemovedFromTheGroup() {
    StreamBus bus = bus();
    on(stream(0), "XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
    on(stream(0), "XGROUP", "CREATECONSUMER", stream(0), "g", "ghost");
    await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        fastConsumer().setConsumerName("live").setConsumerCleanupIdleMs(300)));
    // Redis 7.0 registers a consumer only once XREADGROUP hands it an entry
    await(bus.publish(topic, "x"));
    eventually(Duration.ofSeconds(10), () -> !on(stream(0), "XINFO", "CONSUMERS", stream(0), "g").contains("ghost"),
        "ghost removed");
    eventually(Duration.ofSeconds(5), () -> on(stream(0), "XINFO", "CONSUMERS", stream(0), "g").contains("live"),
        "the live consumer stays");
  }
}
