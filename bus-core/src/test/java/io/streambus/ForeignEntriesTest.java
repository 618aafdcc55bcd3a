package io.streambus;

import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Entries written by redis-cli or other languages straight into the stream. */
class ForeignEntriesTest extends BusTestBase {

  @Test
  void entriesWithArbitraryFieldsAreDeliveredWithTheirRawFields() {
    StreamBus bus = bus();
    List<Message> got = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m);
      return Future.succeededFuture();
    }, fastConsumer()));
    redis.command("XADD", stream(0), "*", "order", "42", "customer", "ann");
    redis.command("XADD", stream(0), "*", "payload", "{\"from\":\"python\"}");
    eventually(Duration.ofSeconds(10), () -> got.size() == 2, "both delivered");
    Message foreign = got.get(0);
    assertThat(foreign.isForeign()).isTrue();
    assertThat(foreign.payload()).isNull();
    assertThat(foreign.fields().get("order").toString()).isEqualTo("42");
    assertThat(foreign.fields().get("customer").toString()).isEqualTo("ann");
    assertThat(got.get(1).json().getString("from")).isEqualTo("python");
    assertThat(foreign.contentType()).isNull();
    // a payload without a declared type is bytes, as the bus's own entries of the default type are
    assertThat(got.get(1).contentType()).isEqualTo(OutgoingMessage.BYTES);
  }

  @Test
  void foreignEntriesCanBeRefusedIntoTheDeadLetterStreamWithAReason() {
    StreamBus bus = bus();
    List<Message> got = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m);
      return Future.succeededFuture();
    }, fastConsumer().setAcceptForeignEntries(false)));
    redis.command("XADD", stream(0), "*", "junk", "1");
    await(bus.publish(topic, "fine"));
    eventually(Duration.ofSeconds(10), () -> got.size() == 1 && "1".equals(redis.command("XLEN", dlq(0))),
        "good one delivered, foreign one dead-lettered");
    DeadLetter d = await(bus.deadLetters(topic).list(null, 1)).items().get(0);
    assertThat(d.errorClass()).isEqualTo("foreign-entry");
    assertThat(d.error()).contains("no payload field").contains("junk");
    assertThat(d.fields().get("junk").toString()).isEqualTo("1");
  }

  @Test
  void binaryJunkInEveryFieldNeverStallsThePartition() throws Exception {
    StreamBus bus = bus();
    List<String> ok = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      if (m.contentType() != null && m.contentType().startsWith("text/")) {
        ok.add(m.text());
        return Future.succeededFuture();
      }
      m.jsonValue(); // junk is not JSON: NonRetryable, dead-lettered at once
      return Future.succeededFuture();
    }, fastConsumer()));
    // raw RESP so that the field names and values are arbitrary bytes
    byte[] junk = {(byte) 0xff, 0, (byte) 0xfe, '\r', '\n', 0x7f};
    try (java.net.Socket s = new java.net.Socket(redis.host(), redis.port())) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[][] args = {"XADD".getBytes(), stream(0).getBytes(StandardCharsets.UTF_8), "*".getBytes(), junk, junk,
          "payload".getBytes(), junk};
      out.write(("*" + args.length + "\r\n").getBytes());
      for (byte[] a : args) {
        out.write(("$" + a.length + "\r\n").getBytes());
        out.write(a);
        out.write("\r\n".getBytes());
      }
      s.getOutputStream().write(out.toByteArray());
      s.getInputStream().read(new byte[64]);
    }
    await(bus.publish(topic, "after junk"));
    eventually(Duration.ofSeconds(10), () -> ok.contains("after junk"), "the partition keeps flowing");
    eventually(Duration.ofSeconds(10), () -> "1".equals(redis.command("XLEN", dlq(0))), "junk dead-lettered");
    DeadLetter d = await(bus.deadLetters(topic).list(null, 1)).items().get(0);
    assertThat(d.payload().getBytes()).isEqualTo(junk);
    assertThat(d.errorClass()).isEqualTo(BusException.NonRetryable.class.getName());
  }
}
