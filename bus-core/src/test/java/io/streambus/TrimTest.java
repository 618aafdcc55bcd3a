package io.streambus;

import io.streambus.admin.PartitionStats;
import io.streambus.admin.GroupStats;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TrimTest extends BusTestBase {

  @Test
  void ackedTrimmingKeepsEverythingAnyGroupStillNeeds() {
    StreamBus bus = bus(busOptions().setTrimIntervalMs(100));
    AtomicInteger fast = new AtomicInteger();
    await(bus.subscribe(topic, "fast", m -> {
      fast.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    // "slow" holds the 3rd message forever, so it and everything after it must stay
    AtomicInteger slowSeen = new AtomicInteger();
    await(bus.subscribe(topic, "slow", m -> slowSeen.incrementAndGet() >= 3
        ? Promise.<Void>promise().future() : Future.succeededFuture(), fastConsumer().setMaxInFlight(1)
        .setHandlerTimeoutMs(600_000).setCloseTimeoutMs(100)));
    for (int i = 0; i < 10; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> fast.get() == 10 && slowSeen.get() == 3, "fast all, slow stuck on 3rd");
    eventually(Duration.ofSeconds(10), () -> "8".equals(redis.command("XLEN", stream(0))), "trimmed to 8");
    // stays at 8: the pending 3rd entry pins the cut
    eventually(Duration.ofSeconds(5), () -> count(BusMeters.TRIMMED) == 2, "2 counted");
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("8");
    assertThat(count(BusMeters.TRIMMED_UNACKED)).isZero();
  }

  /**
   * Redis 7 reports entries-added and entries-read; 6.2 does not, and its lengths shrink with every trim, so the bus
   * counts what trimming removes. On both, the figures rates are made of count every entry, trimmed or not.
   */
  @Test
  void statsCountEveryEntryAddedAndReadThroughTrimming() {
    StreamBus bus = bus(busOptions().setTrimIntervalMs(100));
    AtomicInteger handled = new AtomicInteger();
    Subscription sub = await(bus.subscribe(topic, "g", m -> {
      handled.incrementAndGet();
      return Future.succeededFuture();
    }, fastConsumer()));
    for (int i = 0; i < 10; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> handled.get() == 10 && "0".equals(redis.command("XLEN", stream(0))),
        "all 10 handled and trimmed away");
    await(sub.close()); // a paused subscription's parked read could still take what comes next; a closed one cannot
    for (int i = 0; i < 4; i++) {
      await(bus.publish(topic, "late" + i));
    }

    PartitionStats p = await(bus.admin().topic(topic)).partitions().get(0);
    GroupStats g = p.groups().get(0);
    assertThat(p.length()).isEqualTo(4);
    assertThat(p.entriesAdded()).isEqualTo(14);
    assertThat(g.lag()).isEqualTo(4);
    assertThat(g.entriesRead()).isEqualTo(10);
  }

  @Test
  void aHardCapCountsWhatItDropsUnacknowledged() {
    StreamBus bus = bus(busOptions().setTrimPolicy(BusOptions.TrimPolicy.MAXLEN).setMaxLen(5).setTrimIntervalMs(100));
    // a group that never reads: everything the cap cuts is lost to it
    redis.command("XGROUP", "CREATE", stream(0), "idle", "0", "MKSTREAM");
    await(bus.subscribe(topic, "g", m -> Future.succeededFuture(), fastConsumer()));
    for (int i = 0; i < 12; i++) {
      await(bus.publish(topic, "m" + i));
    }
    eventually(Duration.ofSeconds(10), () -> "5".equals(redis.command("XLEN", stream(0))), "capped at 5");
    eventually(Duration.ofSeconds(5), () -> count(BusMeters.TRIMMED_UNACKED) == 7, "7 unread entries counted");
    assertThat(count(BusMeters.TRIMMED)).isZero();
  }

  /** Five entries stamped ten minutes ago (ids must grow, so they come first), as a foreign producer could write. */
  private void oldEntries(String stream) {
    long old = System.currentTimeMillis() - 600_000;
    for (int i = 0; i < 5; i++) {
      redis.command("XADD", stream, (old + i) + "-0", "payload", "old" + i, "content-type", OutgoingMessage.TEXT);
    }
  }

  /**
   * A topic's own retention beside a bus-wide NONE: acknowledged entries older than the retention go, acknowledged
   * ones younger stay; a topic without its own trimming is left alone.
   */
  @Test
  void aTopicsRetentionTrimsOldAcknowledgedEntriesAndKeepsYoungerOnes() {
    String untouched = topic + "-untouched";
    String canary = topic + "-canary";
    StreamBus bus = bus(busOptions().setTrimPolicy(BusOptions.TrimPolicy.NONE).setTrimIntervalMs(100)
        .setTopicTrim(topic, BusOptions.TopicTrim.retention(Duration.ofMinutes(1)))
        .setTopicTrim(canary, BusOptions.TopicTrim.maxLen(1)));
    oldEntries(stream(0));
    oldEntries("test:{" + untouched + ":0}");
    // the group exists before anything is trimmed, at the start: every old entry is still needed
    redis.command("XGROUP", "CREATE", stream(0), "g", "0");
    AtomicInteger handled = new AtomicInteger();
    for (String t : new String[] {topic, untouched}) {
      await(bus.subscribe(t, "g", m -> {
        handled.incrementAndGet();
        return Future.succeededFuture();
      }, fastConsumer().setStartPosition(StartPosition.BEGINNING)));
      for (int i = 0; i < 3; i++) {
        await(bus.publish(t, "new" + i));
      }
    }
    eventually(Duration.ofSeconds(15), () -> handled.get() == 16 && settled(bus), "all 16 handled and acknowledged");
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.TRIMMED) == 5, "the 5 old entries trimmed");
    // two trimming passes after that one (the canary's cap at work), and still nothing younger went
    for (int pass = 1; pass <= 2; pass++) {
      await(bus.publish(canary, "c"));
      await(bus.publish(canary, "c"));
      long dropped = pass;
      eventually(Duration.ofSeconds(10), () -> count(BusMeters.TRIMMED_UNACKED) >= dropped
          && "1".equals(redis.command("XLEN", "test:{" + canary + ":0}")), "the canary capped again");
    }
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("3");
    assertThat(redis.command("XRANGE", stream(0), "-", "+")).contains("new0").doesNotContain("old");
    assertThat(count(BusMeters.TRIMMED)).isEqualTo(5);
    assertThat(redis.command("XLEN", "test:{" + untouched + ":0}")).isEqualTo("8");
  }

  @Test
  void retentionKeepsAnEntryAGroupStillNeedsWhateverItsAge() {
    StreamBus bus = bus(busOptions().setTrimPolicy(BusOptions.TrimPolicy.RETENTION).setRetentionMs(60_000)
        .setTrimIntervalMs(100));
    oldEntries(stream(0));
    redis.command("XGROUP", "CREATE", stream(0), "g", "0");
    // the 3rd old entry's handler never finishes: it stays pending, and so do it and everything after it
    AtomicInteger done = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> "old2".equals(m.text()) ? Promise.<Void>promise().future()
        : Future.succeededFuture().onSuccess(v -> done.incrementAndGet()).mapEmpty(),
        fastConsumer().setHandlerTimeoutMs(600_000).setCloseTimeoutMs(100)));
    await(bus.publish(topic, "new"));
    eventually(Duration.ofSeconds(15), () -> done.get() == 5, "all but the held one handled");
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.TRIMMED) == 2, "the first two trimmed");
    eventually(Duration.ofSeconds(10), () -> "4".equals(redis.command("XLEN", stream(0))), "the held one and after");
    assertThat(redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1")).contains("old2");
  }
}
