package io.streambus;

import io.streambus.testsupport.FaultProxy;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Idempotent publish on one server: the {@link IdempotentPublishContract} tests, a reply lost after Redis stored the
 * message (the bus's own retry is then a duplicate), WAIT, and the key's bounds.
 */
class IdempotentPublishTest extends IdempotentPublishContract {
  /**
   * Publishes {@code message} through a proxy that holds Redis's replies, waits until Redis has stored the entry, and
   * cuts the connection: the reply is lost, and the bus sends the publish again on a new connection.
   */
  private MessageId publishLosingTheReply(OutgoingMessage message) {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
      StreamBus bus = bus(busOptions().setPartitions(1).setConnectionString(proxy.uri()).setPublishTimeoutMs(20_000)
          .setReconnectMaxMs(200));
      await(bus.publish(OutgoingMessage.text(topic, "warm-up").idempotencyKey("warm-up"))); // topic known, script loaded
      proxy.holdReplies(true);
      Future<MessageId> publish = bus.publish(message);
      eventually(Duration.ofSeconds(15), () -> "2".equals(redis.command("XLEN", stream(0))), "Redis stored it");
      proxy.dropConnections();
      proxy.holdReplies(false);
      return await(publish);
    }
  }

  @Test
  void aRetryAfterALostReplyStoresOneEntryAndGetsTheFirstId() {
    MessageId id = publishLosingTheReply(OutgoingMessage.text(topic, "once").idempotencyKey("req-7"));
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("2");
    assertThat(id.isDuplicate()).as("the retry found the key").isTrue();
    String last = redis.command("XREVRANGE", stream(0), "+", "-", "COUNT", "1");
    assertThat(last).startsWith(id.value() + "\n").contains("once");
    assertThat(count(BusMeters.PUBLISH_DUPLICATE)).isEqualTo(1);
    assertThat(count(BusMeters.PUBLISH_DUPLICATE_MISMATCH)).isZero();
  }

  /** What the key prevents: the same lost reply without one stores the message twice (at least once). */
  @Test
  void withoutAKeyALostReplyStoresTheMessageTwice() {
    MessageId id = publishLosingTheReply(OutgoingMessage.text(topic, "twice"));
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("3");
    assertThat(id.isDuplicate()).isFalse();
  }

  @Test
  void withWaitADuplicateWaitsForTheReplicasToo() {
    try (RedisServer replica = RedisServer.builder().name("replica").flavor(redis.flavor())
        .args("--replicaof", redis.host(), String.valueOf(redis.port())).start()) {
      eventually(Duration.ofSeconds(20), () -> replica.command("INFO", "replication")
          .contains("master_link_status:up"), "replica in sync");
      StreamBus bus = bus(busOptions().setPublishWaitReplicas(1).setPublishTimeoutMs(10_000));
      MessageId first = await(bus.publish(OutgoingMessage.text(topic, "replicated").idempotencyKey("w")));
      MessageId again = await(bus.publish(OutgoingMessage.text(topic, "replicated").idempotencyKey("w")));
      assertThat(again).isEqualTo(first);
      assertThat(again.isDuplicate()).isTrue();
      String s = stream(first.partition());
      assertThat(replica.command("XRANGE", s, "-", "+")).startsWith(first.value() + "\n");
      assertThat(replica.command("XLEN", s)).isEqualTo("1");
    }
    // no replica: the shortfall is reported with the first id, for the first publish and its retry alike
    StreamBus alone = bus(busOptions().setPublishWaitReplicas(1).setPublishTimeoutMs(1_500));
    Throwable e1 = awaitFailure(alone.publish(OutgoingMessage.text(topic, "alone").idempotencyKey("a")));
    Throwable e2 = awaitFailure(alone.publish(OutgoingMessage.text(topic, "alone").idempotencyKey("a")));
    assertThat(e1).isInstanceOf(BusException.NotReplicated.class);
    assertThat(e2).isInstanceOf(BusException.NotReplicated.class);
    assertThat(((BusException.NotReplicated) e2).id()).isEqualTo(((BusException.NotReplicated) e1).id());
    assertThat(((BusException.NotReplicated) e2).id().isDuplicate()).isTrue();
    assertThat(entries()).isEqualTo(2);
  }

  @Test
  void aKeyMustBeOneTo200Characters() {
    OutgoingMessage m = OutgoingMessage.text(topic, "x");
    assertThatThrownBy(() -> m.idempotencyKey("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idempotency key").hasMessageContaining("empty");
    assertThatThrownBy(() -> m.idempotencyKey("k".repeat(201))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("201");
    assertThat(m.idempotencyKey("k".repeat(200)).idempotencyKey()).hasSize(200);
    assertThat(m.idempotencyKey(null).idempotencyKey()).isNull();
  }
}
