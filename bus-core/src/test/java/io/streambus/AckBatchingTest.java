package io.streambus;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements completed while the partition's previous ack step is on its way go together in the next step,
 * however many event-loop turns they were completed in: a Lua step costs Redis about as much as the XACK in it.
 */
class AckBatchingTest extends BusTestBase {

  @Test
  void acknowledgementsCompletedWhileAStepIsOnItsWayGoInOneStep() {
    StreamBus bus = bus();
    List<Promise<Void>> running = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      Promise<Void> p = Promise.promise();
      running.add(p);
      return p.future();
    }, fastConsumer().setMaxInFlight(100)));
    int n = 50;
    for (int i = 0; i < n; i++) {
      await(bus.publish(topic, new JsonObject().put("i", i)));
    }
    eventually(Duration.ofSeconds(10), () -> running.size() == n, "every message in a handler");
    long before = xackCalls();
    // Redis holds every script (the ack step) until unpaused; reads of the pending list still answer
    redis.command("CLIENT", "PAUSE", "20000", "WRITE");
    try {
      AtomicInteger completed = new AtomicInteger();
      for (int i = 0; i < n; i++) {
        Promise<Void> p = running.get(i);
        // each on an event-loop turn of its own
        vertx.setTimer(1 + 2L * i, t -> {
          p.complete();
          completed.incrementAndGet();
        });
      }
      eventually(Duration.ofSeconds(10), () -> completed.get() == n, "every handler completed");
      assertThat(redis.command("XPENDING", stream(0), "g").split("\n")[0])
          .as("nothing acknowledged while Redis holds the first step").isEqualTo(String.valueOf(n));
    } finally {
      redis.command("CLIENT", "UNPAUSE");
    }
    // the counter counts when a step's reply is back, which is after Redis has acknowledged
    eventually(Duration.ofSeconds(10), () -> "0".equals(redis.command("XPENDING", stream(0), "g").split("\n")[0])
        && count(BusMeters.ACKED) == n, "all acknowledged, and counted");
    // the first completion's step went alone; the 49 completed while it waited went in the next
    assertThat(xackCalls() - before).isEqualTo(2);
  }

  /** XACK calls so far, those of scripts included. */
  private static long xackCalls() {
    for (String line : redis.command("INFO", "commandstats").split("\n")) {
      if (line.startsWith("cmdstat_xack:calls=")) {
        return Long.parseLong(line.substring("cmdstat_xack:calls=".length(), line.indexOf(',')));
      }
    }
    return 0;
  }
}
