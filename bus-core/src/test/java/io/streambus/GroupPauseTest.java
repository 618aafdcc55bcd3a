package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pausing a group through the admin API: its members stop starting messages within one renewal, what runs finishes,
 * nothing held is reclaimed, retried or dead-lettered because of the pause, and after the resume every message is
 * handled once.
 */
class GroupPauseTest extends BusTestBase {

  @Test
  void aPausedGroupStartsNothingNewAndResumesWhereItWas() {
    StreamBus bus = bus(busOptions().setPartitions(2));
    Set<Integer> handled = ConcurrentHashMap.newKeySet();
    AtomicLong lastStartNanos = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    ConsumerOptions options = fastConsumer().setMaxInFlight(4);
    for (int s = 0; s < 2; s++) {
      await(bus.subscribe(topic, "g", m -> {
        calls.incrementAndGet();
        lastStartNanos.set(System.nanoTime());
        Promise<Void> done = Promise.promise();
        // a slow downstream: each call takes 20 ms
        vertx.setTimer(20, t -> {
          handled.add(Integer.parseInt(m.text()));
          done.complete();
        });
        return done.future();
      }, options));
    }
    int total = 400;
    for (int n = 0; n < total; n++) {
      await(bus.publish(OutgoingMessage.text(topic, String.valueOf(n)).key("k" + n)));
    }
    eventually(Duration.ofSeconds(10), () -> handled.size() >= 20, "the group is working");

    await(bus.admin().pauseGroup(topic, "g"));
    long pausedAt = System.nanoTime();
    assertThat(await(bus.admin().topic(topic)).groups().get(0).paused()).isTrue();
    // within one renewal (a quarter of the claim min idle) plus the calls then running, nothing starts any more
    long bound = Duration.ofMillis(fastConsumer().getClaimMinIdleMs()).toNanos();
    eventually(Duration.ofSeconds(5), () -> System.nanoTime() - pausedAt > 2 * bound, "two claim min idles");
    long startsAfterBound = lastStartNanos.get() - pausedAt;
    assertThat(startsAfterBound).as("the last call started within a claim min idle of the pause")
        .isLessThan(bound);
    long callsWhilePaused = calls.get();
    int handledWhilePaused = handled.size();
    assertThat(handledWhilePaused).as("the pause held messages back").isLessThan(total);
    assertThat(registry.find(BusMeters.GROUP_PAUSED).gauge().value()).isEqualTo(1.0);
    // what the members hold is not reclaimed while paused: their leases are renewed
    assertThat(count(BusMeters.RECLAIMED)).isZero();

    await(bus.admin().resumeGroup(topic, "g"));
    eventually(Duration.ofSeconds(30), () -> handled.size() == total && settled(bus),
        () -> "every message handled after the resume: " + handled.size());
    assertThat(calls.get()).as("started again").isGreaterThan(callsWhilePaused);
    assertThat(calls.get()).as("each message handled once: nothing was redelivered by the pause").isEqualTo(total);
    assertThat(count(BusMeters.DEAD_LETTERED)).isZero();
    assertThat(registry.find(BusMeters.GROUP_PAUSED).gauge().value()).isEqualTo(0.0);
    assertThat(await(bus.admin().topic(topic)).groups().get(0).paused()).isFalse();
  }

  @Test
  void aMemberThatJoinsAPausedGroupStartsPaused() {
    StreamBus bus = bus();
    await(bus.publish(topic, "registers the topic"));
    Set<String> handled = ConcurrentHashMap.newKeySet();
    await(bus.admin().pauseGroup(topic, "g"));
    await(bus.subscribe(topic, "g", m -> {
      handled.add(m.text());
      return Future.succeededFuture();
    }, fastConsumer().setStartPosition(StartPosition.BEGINNING)));
    await(bus.publish(topic, "while paused"));
    long bound = Duration.ofMillis(2 * fastConsumer().getClaimMinIdleMs()).toMillis();
    long until = System.currentTimeMillis() + bound;
    eventually(Duration.ofSeconds(5), () -> System.currentTimeMillis() > until || !handled.isEmpty(),
        "two claim min idles, or a message handled");
    assertThat(handled).as("nothing handled while paused").isEmpty();
    await(bus.admin().resumeGroup(topic, "g"));
    eventually(Duration.ofSeconds(10), () -> handled.size() == 2, () -> "handled after the resume: " + handled);
  }
}
