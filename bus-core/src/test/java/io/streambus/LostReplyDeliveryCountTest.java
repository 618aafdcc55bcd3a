package io.streambus;

import io.streambus.testsupport.FaultProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's delivery count counts only the deliveries that reached a handler (or a consumer that died holding it),
 * also when a dropped connection loses the reply of a step that Redis carried out: the bus sends the step again on a
 * new connection, and a partition reader whose read reply was lost takes back what that read handed over.
 */
class LostReplyDeliveryCountTest extends BusTestBase {
  /**
   * The retry claim ran in Redis (the entry's count is 2) and its reply was lost with the connection, together with
   * the reader's parked read. The message must still reach the handler on its second delivery: neither the claim
   * sent again nor the reader's recovery of its lost read may count a delivery that never reached a handler. Before
   * the fix the recovery claimed it once more (count 3), and with a limit of 2 deliveries it was dead-lettered
   * without its second delivery ever reaching the handler (ClusterTest's failure, with one lost reply instead of
   * two).
   */
  @Test
  void aTransientFailureReachesTheHandlerAgainWhenTheRetryClaimsReplyIsLost() {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
      StreamBus bus = bus(busOptions().setPartitions(1).setConnectionString(proxy.uri()).setReconnectMaxMs(200));
      List<Integer> deliveries = new CopyOnWriteArrayList<>();
      Promise<Void> first = Promise.promise();
      Subscription sub = await(bus.subscribe(topic, "g", m -> {
        deliveries.add(m.deliveryCount());
        return m.deliveryCount() == 1 ? first.future() : Future.succeededFuture();
      }, fastConsumer().setMaxDeliveries(2).setClaimMinIdleMs(10_000)
          .setRetry(new RetryOptions().setInitialBackoffMs(0).setMaxBackoffMs(0))));
      await(bus.publish(topic, "transient"));
      eventually(Duration.ofSeconds(10), () -> deliveries.size() == 1, "the first delivery in its handler");

      // paused, the due loop sends nothing: once the retry step's reply is in, no due claim is on its way
      sub.pause();
      vertx.setTimer(1, t -> first.fail(new RuntimeException("transient")));
      eventually(Duration.ofSeconds(10), () -> count(BusMeters.RETRIED) == 1 && "1".equals(zcard()),
          "the retry scheduled and due");

      proxy.holdReplies(true);
      sub.resume();
      eventually(Duration.ofSeconds(10), () -> "0".equals(zcard()) && deliveryCountInRedis() == 2,
          "a due claim took the retry in Redis (its reply held)");
      proxy.dropConnections();
      proxy.holdReplies(false);

      eventually(Duration.ofSeconds(15), () -> deliveries.size() >= 2 && settled(bus)
              || !"0".equals(redis.command("XLEN", dlq(0))),
          () -> "the second delivery handled and acknowledged, or a dead letter; deliveries " + deliveries);
      assertThat(deliveries).containsExactly(1, 2);
      assertThat(redis.command("XLEN", dlq(0))).isEqualTo("0");
      assertThat(count(BusMeters.DEAD_LETTERED)).isZero();
    }
  }

  /**
   * A read handed a message over in Redis (its count is 1) and the reply was lost with the connection. The reader
   * takes it back before its next read without counting a delivery: the handler sees delivery 1, as the delivery
   * that was lost never reached anything (before the fix the recovery's XCLAIM counted it: delivery 2).
   */
  @Test
  void whatALostReadReplyHandedOverReachesTheHandlerAsItsFirstDelivery() {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
      StreamBus bus = bus(busOptions().setPartitions(1).setConnectionString(proxy.uri()).setReconnectMaxMs(200));
      StreamBus direct = bus(busOptions().setPartitions(1));
      List<Integer> deliveries = new CopyOnWriteArrayList<>();
      await(bus.subscribe(topic, "g", m -> {
        deliveries.add(m.deliveryCount());
        return Future.succeededFuture();
      }, fastConsumer().setBlockMs(10_000).setClaimMinIdleMs(10_000)));
      eventually(Duration.ofSeconds(10), () -> "1".equals(ClusterTest.infoField(redis.command("INFO", "clients"),
          "blocked_clients")), "the reader's read parked");

      proxy.holdReplies(true);
      await(direct.publish(topic, "handed over in a lost reply"));
      eventually(Duration.ofSeconds(10), () -> deliveryCountInRedis() == 1, "the parked read took it (reply held)");
      proxy.dropConnections();
      proxy.holdReplies(false);

      eventually(Duration.ofSeconds(15), () -> !deliveries.isEmpty() && settled(bus), "handled and acknowledged");
      assertThat(deliveries).containsExactly(1);
    }
  }

  private String zcard() {
    return redis.command("ZCARD", stream(0) + ":retry:g");
  }

  /** The delivery count Redis holds for the topic's one pending entry, or -1 when nothing is pending. */
  private int deliveryCountInRedis() {
    List<?> pending = (List<?>) redis.commandRaw("XPENDING", stream(0), "g", "-", "+", "10");
    return pending.isEmpty() ? -1 : ((Long) ((List<?>) pending.get(0)).get(3)).intValue();
  }
}
