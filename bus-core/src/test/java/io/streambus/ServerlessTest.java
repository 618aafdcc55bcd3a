package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only ElastiCache Serverless refuses, met the way the bus is meant to meet it: a parked read is ended on close
 * without {@code CLIENT UNBLOCK}, {@code publishWaitReplicas} fails before anything is stored with an error that
 * names WAIT (asked once), a subscription holding thousands of entries keeps every request under 3,999 arguments,
 * and connections the service drops cost at most a redelivery.
 */
@Tag("managed")
class ServerlessTest extends BusTestBase {
  @RegisterExtension
  static final ManagedProfile.Serverless SERVERLESS = new ManagedProfile.Serverless().allowing("WAIT");

  private int refused(String label) {
    return SERVERLESS.proxy().refusals().getOrDefault(label, 0);
  }

  @Test
  void closeEndsAParkedReadAtOnceWithoutClientUnblock() {
    StreamBus bus = bus();
    int asked = refused("CLIENT ID");
    Subscription subscription = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        fastConsumer().setBlockMs(20_000)));
    eventually(Duration.ofSeconds(10), this::aReadIsParked, "the read is parked");
    long t0 = System.nanoTime();
    await(subscription.close());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.printf("serverless: close() of a subscription whose read was parked in BLOCK 20000 took %d ms;"
        + " CLIENT ID refused %d times%n", ms, refused("CLIENT ID") - asked);
    assertThat(ms).as("close, the read parked for 20 s").isLessThan(5_000);
    assertThat(refused("CLIENT ID") - asked).as("CLIENT ID asked once by the one reader").isEqualTo(1);
    assertThat(refused("CLIENT UNBLOCK")).isZero();
  }

  @Test
  void publishWaitReplicasFailsBeforeStoringAnythingWithAnErrorThatNamesWait() {
    StreamBus bus = bus(busOptions().setPublishWaitReplicas(1).setPublishTimeoutMs(5_000));
    // publishes that start together wait for one question
    List<Future<MessageId>> together = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      together.add(bus.publish(topic, "m" + i));
    }
    Throwable first = awaitFailure(together.get(0));
    assertThat(first).isInstanceOf(BusException.class).hasMessageContaining("publishWaitReplicas is 1")
        .hasMessageContaining("WAIT").hasMessageContaining("ElastiCache Serverless").hasMessageContaining("unknown command");
    for (Future<MessageId> f : together) {
      assertThat(awaitFailure(f)).hasMessage(first.getMessage());
    }
    Throwable atStart = awaitFailure(bus.ping());
    assertThat(atStart).isInstanceOf(BusException.class).hasMessage(first.getMessage());
    Throwable later = awaitFailure(bus.publish(topic, "later"));
    assertThat(later).isInstanceOf(BusException.class).hasMessage(first.getMessage());
    assertThat(on(stream(0), "EXISTS", stream(0))).as("nothing stored").isEqualTo("0");
    assertThat(refused("WAIT")).as("WAIT asked once, not at every publish").isEqualTo(1);
    // without the option the same server takes the publishes
    assertThat(await(bus(busOptions()).publish(topic, "fine")).isDuplicate()).isFalse();
  }

  /**
   * 5,000 entries held by one subscription (queued behind a rate limit, then handled): lease renewal, hand-back on
   * close, claims by the peer and acknowledgements all go in steps under the limit.
   */
  @Test
  void aSubscriptionHoldingThousandsOfEntriesKeepsEveryRequestUnderTheArgumentLimit() {
    int n = 5_000;
    StreamBus bus = bus();
    // the handler never completes: the first entries stay in it, the others queue behind the rate limit
    Subscription holder = await(bus.subscribe(topic, "g", m -> Promise.<Void>promise().future(),
        fastConsumer().setMaxInFlight(n).setMaxRatePerSecond(0.5).setConsumerName("holder")));
    for (int from = 0; from < n; from += 1_000) {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = from; i < from + 1_000; i++) {
        batch.add(OutgoingMessage.json(topic, new JsonObject().put("i", i)));
      }
      await(bus.publishAll(batch));
    }
    eventually(Duration.ofSeconds(20), () -> pending().startsWith(String.valueOf(n)), () -> "all held: " + pending());
    long heldSince = System.nanoTime();
    // renewals (every third of the claim min idle) name all 5,000: past two claim min idles, none has lapsed
    eventually(Duration.ofSeconds(10), () -> System.nanoTime() - heldSince > TimeUnit.MILLISECONDS.toNanos(2_500),
        "two and a half claim min idles");
    assertThat(maxIdleMs()).as("idle of the held entries: renewed").isLessThan(1_000);
    await(holder.close());

    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      calls.incrementAndGet();
      handled.add(m.json().getInteger("i"));
      return Future.succeededFuture();
    }, fastConsumer().setMaxInFlight(n).setAckBatchSize(ConsumerOptions.MAX_ACK_BATCH_SIZE).setConsumerName("peer")));
    eventually(Duration.ofSeconds(60), () -> handled.size() == n && settled(bus), () -> "handled " + handled.size()
        + ", pending " + pending());
    System.out.printf("serverless: %d entries held by one subscription, handed back on close and handled by a peer:"
        + " %d handler calls, Serverless refusals %s%n", n, calls.get(), SERVERLESS.proxy().refusals());
    assertThat(refused("more than 3999 arguments")).isZero();
  }

  @Test
  void connectionsDroppedNowAndThenCostAtMostARedelivery() {
    int n = 2_000;
    StreamBus publisher = bus();
    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    for (int s = 0; s < 2; s++) {
      await(bus().subscribe(topic, "g", m -> {
        calls.incrementAndGet();
        handled.add(m.json().getInteger("i"));
        return Future.succeededFuture();
      }, fastConsumer().setConsumerName("c" + s)));
    }
    int dropsBefore = SERVERLESS.proxy().drops();
    SERVERLESS.proxy().dropNowAndThen(21, Duration.ofMillis(20), Duration.ofMillis(80), 20);
    Queue<Throwable> failedPublishes = new ConcurrentLinkedQueue<>();
    for (int batch = 0; batch < 20; batch++) {
      List<Future<MessageId>> sent = new ArrayList<>();
      for (int i = batch * (n / 20); i < (batch + 1) * (n / 20); i++) {
        sent.add(publisher.publish(topic, new JsonObject().put("i", i)).onFailure(failedPublishes::add));
      }
      await(Future.join(sent).recover(e -> Future.succeededFuture()));
      int drops = batch;
      eventually(Duration.ofSeconds(10), () -> SERVERLESS.proxy().drops() - dropsBefore >= drops,
          "a drop between batches");
    }
    assertThat(failedPublishes).as("publishes through dropped connections (retried by the bus)").isEmpty();
    eventually(Duration.ofSeconds(60), () -> handled.size() == n && settled(publisher), () -> "handled "
        + handled.size() + " of " + n + ", pending " + pending());
    System.out.printf("serverless: %d messages through %d dropped connections: %d handled, %d handler calls"
        + " (%d redelivered)%n", n, SERVERLESS.proxy().drops() - dropsBefore, handled.size(), calls.get(),
        calls.get() - handled.size());
    assertThat(SERVERLESS.proxy().drops() - dropsBefore).isGreaterThanOrEqualTo(19);
  }

  /** A client blocked (flags=b) in XREADGROUP: "cmd=" alone also names the last command of an idle client. */
  private boolean aReadIsParked() {
    for (String client : servers().get(0).command("CLIENT", "LIST").split("\n")) {
      if (client.contains(" flags=b ") && client.contains(" cmd=xreadgroup ")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aMessageWithAsManyHeadersAsAllowedIsStoredAndOneMoreIsRefused() {
    StreamBus bus = bus();
    OutgoingMessage message = OutgoingMessage.text(topic, "many headers");
    for (int i = 0; i < OutgoingMessage.MAX_HEADERS; i++) {
      message.header("h" + i, "v");
    }
    MessageId id = await(bus.publish(message));
    assertThat(on(stream(0), "XRANGE", stream(0), id.value(), id.value())).contains("h:h999");
    assertThatThrownBy(() -> message.header("one-more", "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000 headers").hasMessageContaining("one-more");
    message.header("h0", "replaced"); // replacing one is not one more
    assertThat(refused("more than 3999 arguments")).isZero();
  }

  private String pending() {
    return on(stream(0), "XPENDING", stream(0), "g").split("\n")[0];
  }

  /** The longest idle time among the group's pending entries, from XPENDING's extended form. */
  private long maxIdleMs() {
    Object reply = servers().get(0).commandRaw("XPENDING", stream(0), "g", "-", "+", "10000");
    long max = 0;
    for (Object entry : (List<?>) reply) {
      max = Math.max(max, (Long) ((List<?>) entry).get(2));
    }
    return max;
  }
}
