package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.streambus.testsupport.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotent publish, the same on one server ({@link IdempotentPublishTest}) and on a cluster
 * ({@link ClusterIdempotentPublishTest}): a key is stored once per window, whoever races, and forgotten after it.
 */
abstract class IdempotentPublishContract extends BusTestBase {

  /** The topic's partitions: 3 unless a variant's options say otherwise (then it overrides this too). */
  protected int partitions() {
    return 3;
  }

  @Override
  protected BusOptions busOptions() {
    return super.busOptions().setPartitions(partitions());
  }

  protected long entries() {
    long total = 0;
    for (int p = 0; p < partitions(); p++) {
      total += Long.parseLong(on(stream(p), "XLEN", stream(p)));
    }
    return total;
  }

  protected long idempotencyKeys(StreamBus bus) {
    return await(bus.admin().topic(topic)).idempotencyKeys();
  }

  private static OutgoingMessage keyed(String topic, Object payload, String idempotencyKey) {
    return OutgoingMessage.of(topic, payload).idempotencyKey(idempotencyKey);
  }

  @Test
  void aSecondPublishWithTheKeyStoresNothingAndGetsTheFirstId() {
    StreamBus bus = bus();
    MessageId first = await(bus.publish(keyed(topic, "order 1", "req-1")));
    MessageId again = await(bus.publish(keyed(topic, "order 1", "req-1")));
    MessageId reused = await(bus.publish(keyed(topic, "another order", "req-1")));
    MessageId other = await(bus.publish(keyed(topic, "order 2", "req-2")));

    assertThat(first.isDuplicate()).isFalse();
    assertThat(again).isEqualTo(first);
    assertThat(again.isDuplicate()).isTrue();
    assertThat(reused).isEqualTo(first);
    assertThat(reused.isDuplicate()).isTrue();
    assertThat(other.isDuplicate()).isFalse();
    assertThat(entries()).isEqualTo(2);
    String stored = on(stream(first.partition()), "XRANGE", stream(first.partition()), first.value(), first.value());
    assertThat(stored).contains("order 1").doesNotContain("another order").doesNotContain("req-1");
    assertThat(count(BusMeters.PUBLISH_DUPLICATE)).isEqualTo(2);
    assertThat(count(BusMeters.PUBLISH_DUPLICATE_MISMATCH)).as("the key reused for another payload").isEqualTo(1);
    assertThat(count(BusMeters.PUBLISHED)).isEqualTo(2);
    assertThat(idempotencyKeys(bus)).isEqualTo(2);
  }

  @Test
  void racingPublishersWithTheSameKeysStoreOneEntryPerKey() {
    int publishers = 4;
    int keys = 60;
    List<StreamBus> buses = new ArrayList<>();
    for (int b = 0; b < publishers; b++) {
      buses.add(bus()); // a connection each: their scripts interleave in Redis
    }
    await(Future.all(buses.stream().map(b -> b.publish(keyed(topic, "warm-up", "warm-up"))).toList()));
    // every publisher sends every key before any reply is awaited
    Map<String, List<Future<MessageId>>> sent = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      for (int b = 0; b < publishers; b++) {
        sent.computeIfAbsent("key-" + k, x -> new ArrayList<>())
            .add(buses.get(b).publish(keyed(topic, new JsonObject().put("by", b), "key-" + k)));
      }
    }
    await(Future.all(sent.values().stream().flatMap(List::stream).toList()));

    assertThat(entries()).isEqualTo(keys + 1);
    int stored = 0;
    for (List<Future<MessageId>> results : sent.values()) {
      MessageId id = results.get(0).result();
      assertThat(results).allMatch(f -> f.result().equals(id));
      List<Integer> winners = new ArrayList<>();
      for (int b = 0; b < publishers; b++) {
        if (!results.get(b).result().isDuplicate()) {
          winners.add(b);
        }
      }
      assertThat(winners).as("publishers whose publish stored the entry").hasSize(1);
      stored++;
      // the stored entry is the winner's message
      assertThat(on(stream(id.partition()), "XRANGE", stream(id.partition()), id.value(), id.value()))
          .contains("{\"by\":" + winners.get(0) + "}");
    }
    assertThat(stored).isEqualTo(keys);
    System.out.printf("idempotent publish (%s): %d publishers racing on %d keys: %d entries stored, %d duplicates"
            + " answered with the first id (%d of them another payload)%n", getClass().getSimpleName(), publishers,
        keys, entries() - 1, count(BusMeters.PUBLISH_DUPLICATE), count(BusMeters.PUBLISH_DUPLICATE_MISMATCH));
    assertThat(count(BusMeters.PUBLISH_DUPLICATE)).isEqualTo((long) (publishers - 1) * (keys + 1));
    assertThat(count(BusMeters.PUBLISH_DUPLICATE_MISMATCH)).as("same key, other payloads").isGreaterThan(0);
  }

  @Test
  void aKeyIsForgottenAfterTheWindowAndTheMemoryWithIt() {
    long window = 1_500;
    StreamBus bus = bus(busOptions().setIdempotencyWindowMs(window));
    // the others first: when "k" expires they have, so the publish that finds "k" expired forgets them too
    for (int i = 0; i < 10; i++) {
      await(bus.publish(keyed(topic, "other", "other-" + i)));
    }
    MessageId first = await(bus.publish(keyed(topic, "v1", "k")));
    assertThat(await(bus.publish(keyed(topic, "v1", "k"))).isDuplicate()).isTrue();
    assertThat(idempotencyKeys(bus)).isEqualTo(11);

    // a retry within the window is a duplicate; the first one after it stores a new entry
    MessageId later = Poll.until(Duration.ofSeconds(30), () -> await(bus.publish(keyed(topic, "v2", "k"))),
        id -> !id.isDuplicate(), "a publish of the key after the window");
    assertThat(later).isNotEqualTo(first);
    assertThat(later.partition()).as("the idempotency key picks the partition").isEqualTo(first.partition());
    // the script's TIME and the entry id's clock reading may differ by a millisecond
    assertThat(later.timestamp()).as("Redis's clock: not before the window passed")
        .isGreaterThanOrEqualTo(first.timestamp() + window - 2);
    // the expired keys of its partition went with that publish; the other partitions keep theirs until a keyed
    // publish there, or until their structure expires as a whole
    String expiry = stream(first.partition()) + ":idem:expiry";
    assertThat(on(expiry, "ZRANGE", expiry, "0", "-1")).isEqualTo("k");

    // no keyed publish for a window: both structures of every partition are gone
    Poll.until(Duration.ofSeconds(30), () -> {
      for (int p = 0; p < partitions(); p++) {
        String hash = stream(p) + ":idem";
        if (!"0".equals(on(hash, "EXISTS", hash, hash + ":expiry"))) {
          return false;
        }
      }
      return true;
    }, () -> "the idempotency keys still exist: " + idempotencyKeys(bus));
    assertThat(idempotencyKeys(bus)).isZero();
    assertThat(entries()).as("forgetting keys removes no message").isEqualTo(12);
  }

  @Test
  void delayedMessagesCannotCarryAKey() {
    StreamBus bus = bus();
    Throwable e = awaitFailure(bus.publish(keyed(topic, "later", "k").delay(Duration.ofMinutes(1))));
    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency key")
        .hasMessageContaining("delay");
    assertThat(entries()).isZero();
  }
}
