package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class PublishSubscribeTest extends BusTestBase {

  @Test
  void publishedJsonArrivesWithKeyHeadersAndIsAcked() {
    StreamBus bus = bus();
    List<Message> got = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g1", m -> {
      got.add(m);
      return Future.succeededFuture();
    }, fastConsumer()));
    MessageId id = await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("n", 1)).key("k1")
        .header("trace", "abc")));
    assertThat(id.topic()).isEqualTo(topic);
    assertThat(id.value()).matches("\\d+-\\d+");

    eventually(Duration.ofSeconds(10), () -> got.size() == 1, "one delivery");
    Message m = got.get(0);
    assertThat(m.id()).isEqualTo(id);
    assertThat(m.json().getInteger("n")).isEqualTo(1);
    assertThat(m.key()).isEqualTo("k1");
    assertThat(m.header("trace")).isEqualTo("abc");
    assertThat(m.contentType()).isEqualTo(OutgoingMessage.JSON);
    assertThat(m.deliveryCount()).isEqualTo(1);
    assertThat(m.publishedAt().toEpochMilli()).isEqualTo(id.timestamp());
    eventually(Duration.ofSeconds(10), () -> "0".equals(redis.command("XPENDING", stream(0), "g1").split("\n")[0]),
        "the entry is acknowledged");
    assertThat(count(BusMeters.ACKED)).isEqualTo(1);
  }

  @Test
  void entryIsPlainFieldsAnyClientCanRead() {
    StreamBus bus = bus();
    MessageId id = await(bus.publish(OutgoingMessage.text(topic, "hello").key("k").header("a", "b")));
    String fields = redis.command("XRANGE", stream(0), id.value(), id.value());
    assertThat(fields).contains("payload\nhello").contains("content-type\ntext/plain; charset=utf-8")
        .contains("key\nk").contains("h:a\nb");
  }

  @Test
  void binaryPayloadRoundTripsExactly() {
    StreamBus bus = bus();
    byte[] junk = new byte[256];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) i;
    }
    List<Message> got = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m);
      return Future.succeededFuture();
    }, fastConsumer()));
    MessageId id = await(bus.publish(topic, junk));
    eventually(Duration.ofSeconds(10), () -> got.size() == 1, "delivery");
    assertThat(got.get(0).payload().getBytes()).isEqualTo(junk);
    // the default type is not written; a reader takes an entry without the field for bytes
    assertThat(got.get(0).contentType()).isEqualTo(OutgoingMessage.BYTES);
    assertThat(redis.command("XRANGE", stream(0), id.value(), id.value())).doesNotContain("content-type");
  }

  @Test
  void everyGroupGetsEveryMessageAndMembersOfOneGroupShare() {
    StreamBus bus = bus();
    Map<String, List<String>> byConsumer = new ConcurrentHashMap<>();
    List<String> other = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = "c" + i;
      await(bus.subscribe(topic, "shared", m -> {
        byConsumer.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(m.id().value());
        return Future.succeededFuture();
      }, fastConsumer().setConsumerName(name).setMaxInFlight(4)));
    }
    await(bus.subscribe(topic, "other", m -> {
      other.add(m.id().value());
      return Future.succeededFuture();
    }, fastConsumer()));
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(OutgoingMessage.json(topic, new JsonObject().put("i", i)));
    }
    List<MessageId> ids = await(bus.publishAll(batch));
    assertThat(ids).hasSize(500).doesNotHaveDuplicates();
    eventually(Duration.ofSeconds(20), () -> other.size() == 500
        && byConsumer.values().stream().mapToInt(List::size).sum() == 500, "all delivered to both groups");
    List<String> shared = new ArrayList<>();
    byConsumer.values().forEach(shared::addAll);
    assertThat(shared).doesNotHaveDuplicates();
    assertThat(byConsumer).hasSize(2);
  }

  /**
   * publishAll goes out as one pipelined batch per partition (split past a thousand): the ids still come back in the
   * caller's order, each naming the partition of its key and the entry holding that very message.
   */
  @Test
  void publishAllReturnsEveryIdInTheCallersOrderAcrossTopicsAndPartitions() {
    StreamBus bus = bus(busOptions().setPartitions(4));
    String second = topic + "-b";
    await(bus.publish(OutgoingMessage.text(topic, "registers")));
    await(bus.publish(OutgoingMessage.text(second, "registers")));
    List<OutgoingMessage> batch = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      OutgoingMessage m = OutgoingMessage.json(i % 3 == 0 ? second : topic, new JsonObject().put("i", i));
      batch.add(i % 5 == 0 ? m : m.key("k" + (i % 7)));
    }
    List<MessageId> ids = await(bus.publishAll(batch));
    assertThat(ids).hasSize(2_500).doesNotHaveDuplicates();
    for (int i = 0; i < ids.size(); i++) {
      MessageId id = ids.get(i);
      OutgoingMessage m = batch.get(i);
      assertThat(id.topic()).isEqualTo(m.topic());
      if (m.key() != null) {
        assertThat(id.partition()).isEqualTo(Math.floorMod(crc32(m.key()), 4));
      }
      String entry = redis.command("XRANGE", "test:{" + m.topic() + ":" + id.partition() + "}", id.value(),
          id.value());
      assertThat(entry).as("entry of message %d", i).contains("{\"i\":" + i + "}");
    }
  }

  private static long crc32(String key) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return crc.getValue();
  }

  @Test
  void partitionsSpreadByKeyAndKeepOrderPerKey() {
    StreamBus bus = bus(busOptions().setPartitions(4));
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    await(bus.subscribe(topic, "g", m -> {
      seen.computeIfAbsent(m.key(), k -> new CopyOnWriteArrayList<>()).add(m.json().getInteger("i"));
      return Future.succeededFuture();
    }, fastConsumer().setMaxInFlight(1)));
    List<Future<MessageId>> sent = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      sent.add(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("i", i)).key("key-" + (i % 8))));
    }
    await(Future.all(sent));
    long usedPartitions = sent.stream().map(f -> f.result().partition()).distinct().count();
    assertThat(usedPartitions).isGreaterThan(1);
    eventually(Duration.ofSeconds(20), () -> seen.values().stream().mapToInt(List::size).sum() == 400, "all 400");
    seen.values().forEach(list -> assertThat(list).isSorted());
  }

  @Test
  void partitionCountMismatchIsAClearError() {
    await(bus(busOptions().setPartitions(2)).publish(topic, "x"));
    Throwable e = awaitFailure(bus(busOptions().setPartitions(3)).publish(topic, "y"));
    assertThat(e).hasMessageContaining("has 2 partitions").hasMessageContaining("configured with 3");
  }

  @Test
  void badArgumentsFailTheFutureWithoutThrowing() {
    StreamBus bus = bus();
    assertThat(awaitFailure(bus.publish("bad{topic}", "x"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic");
    assertThat(awaitFailure(bus.publish(topic, null))).hasMessageContaining("payload");
    assertThat(awaitFailure(bus.subscribe(topic, "g:1", m -> Future.succeededFuture(), null)))
        .hasMessageContaining("group");
    assertThat(awaitFailure(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        new ConsumerOptions().setMaxInFlight(0)))).hasMessageContaining("maxInFlight");
  }
}
