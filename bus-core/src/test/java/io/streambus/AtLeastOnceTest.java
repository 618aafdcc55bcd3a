package io.streambus;

import io.streambus.admin.DeadLetters;
import io.streambus.admin.DeadLetterPage;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headline: one group, 3 subscriptions, 20,000 messages, one subscription's connection killed mid-stream, 10 %
 * of the messages failing once, 50 poison messages. Every message is acknowledged except exactly the 50, which are
 * in the dead-letter stream; none is lost; duplicates are counted and printed.
 */
class AtLeastOnceTest extends BusTestBase {
  private static final int MESSAGES = 20_000;
  private static final int POISON_EVERY = MESSAGES / 50;

  @Test
  void everyMessageIsAckedOrDeadLetteredThroughFailuresAndAKilledConnection() {
    BusOptions options = busOptions().setPartitions(2);
    StreamBus publisher = bus(options);
    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger poisonCalls = new AtomicInteger();
    Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
    ConsumerOptions consumer = fastConsumer().setMaxDeliveries(4).setMaxInFlight(32).setClaimMinIdleMs(2_000)
        .setReclaimIntervalMs(500);
    for (int s = 0; s < 3; s++) {
      await(bus(options).subscribe(topic, "g", m -> {
        JsonObject body = m.json();
        int i = body.getInteger("i");
        if (body.getBoolean("poison")) {
          poisonCalls.incrementAndGet();
          return Future.failedFuture(new IllegalStateException("poison " + i));
        }
        if (i % 10 == 3 && failedOnce.add(i)) {
          return Future.failedFuture(new RuntimeException("transient " + i));
        }
        handled.add(i);
        successes.incrementAndGet();
        return Future.succeededFuture();
      }, new ConsumerOptions(consumer).setConsumerName("c" + s)));
    }

    boolean killed = false;
    for (int batch = 0; batch < MESSAGES / 1000; batch++) {
      List<OutgoingMessage> messages = new ArrayList<>();
      for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
        messages.add(OutgoingMessage.json(topic, new JsonObject().put("i", i).put("poison", i % POISON_EVERY == 7))
            .key("k" + (i % 97)));
      }
      await(publisher.publishAll(messages));
      if (!killed && batch == 8) {
        killed = killOneReadConnection();
      }
    }
    assertThat(killed).as("a reader connection was killed mid-stream").isTrue();

    eventually(Duration.ofSeconds(90), () -> handled.size() == MESSAGES - 50, () ->
        "handled " + handled.size() + " of " + (MESSAGES - 50));
    DeadLetters dlq = publisher.deadLetters(topic);
    eventually(Duration.ofSeconds(30), () -> await(dlq.count()) == 50, () -> "dead letters: " + await(dlq.count()));
    eventually(Duration.ofSeconds(30), () -> pending(0) == 0 && pending(1) == 0, () -> "pending " + pending(0)
        + "/" + pending(1));

    Set<Integer> deadIndexes = new HashSet<>();
    String cursor = null;
    do {
      DeadLetterPage page = await(dlq.list(cursor, 100));
      page.items().forEach(d -> {
        deadIndexes.add(new JsonObject(d.payload()).getInteger("i"));
        assertThat(d.group()).isEqualTo("g");
        assertThat(d.errorClass()).isIn(IllegalStateException.class.getName(), "delivery-limit");
      });
      cursor = page.nextCursor();
    } while (cursor != null);
    Set<Integer> expectedPoison = new HashSet<>();
    for (int i = 0; i < MESSAGES; i++) {
      if (i % POISON_EVERY == 7) {
        expectedPoison.add(i);
      }
    }
    assertThat(deadIndexes).isEqualTo(expectedPoison);
    for (int i = 0; i < MESSAGES; i++) {
      assertThat(handled.contains(i) || expectedPoison.contains(i)).as("message %d", i).isTrue();
    }
    int duplicates = successes.get() - handled.size();
    System.out.printf("at-least-once: %d messages, %d handled, %d dead-lettered, %d duplicate deliveries, "
            + "%d transient failures, %d poison handler calls, %d reclaimed%n", MESSAGES, handled.size(),
        deadIndexes.size(), duplicates, failedOnce.size(), poisonCalls.get(), count(BusMeters.RECLAIMED));
    assertThat(duplicates).isLessThan(1_000);
  }

  /** CLIENT KILL on a connection parked in XREADGROUP: a subscription loses its read connection mid-stream. */
  private boolean killOneReadConnection() {
    for (RedisServer server : servers()) {
      for (String line : server.command("CLIENT", "LIST").split("\n")) {
        if (line.contains("cmd=xreadgroup")) {
          String id = line.substring(3, line.indexOf(' '));
          server.command("CLIENT", "KILL", "ID", id);
          return true;
        }
      }
    }
    return false;
  }

  private long pending(int partition) {
    return Long.parseLong(on(stream(partition), "XPENDING", stream(partition), "g").split("\n")[0]);
  }
}
