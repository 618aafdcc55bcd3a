package io.streambus;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingAndPositionTest extends BusTestBase {

  @Test
  void delayedMessagesAreDeliveredOnlyFromTheirTimeOn() {
    StreamBus bus = bus();
    List<String> got = new CopyOnWriteArrayList<>();
    List<Long> at = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      got.add(m.text());
      at.add(System.currentTimeMillis());
      return Future.succeededFuture();
    }, fastConsumer()));
    long sent = System.currentTimeMillis();
    MessageId id = await(bus.publish(OutgoingMessage.text(topic, "later").delay(Duration.ofMillis(800))
        .header("h", "v")));
    assertThat(id.isScheduled()).isTrue();
    await(bus.publish(topic, "now"));
    eventually(Duration.ofSeconds(10), () -> got.size() == 2, "both delivered");
    assertThat(got).containsExactly("now", "later");
    assertThat(at.get(1) - sent).isGreaterThanOrEqualTo(800);
    assertThat(await(bus.admin().topic(topic)).scheduled()).isZero();
  }

  @Test
  void aScheduledMessageWaitsInRedisAndIsVisibleInStats() {
    StreamBus bus = bus();
    await(bus.publish(OutgoingMessage.text(topic, "tomorrow").deliverAt(Instant.now().plus(Duration.ofDays(1)))));
    assertThat(await(bus.admin().topic(topic)).scheduled()).isEqualTo(1);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("0");
  }

  @Test
  void aNewGroupCanStartFromNewFromTheBeginningFromAnIdOrFromATime() {
    StreamBus bus = bus();
    MessageId first = await(bus.publish(topic, "one"));
    MessageId second = await(bus.publish(topic, "two"));
    // the time position must fall strictly after "two": wait for the clock to pass its millisecond
    eventually(Duration.ofSeconds(5), () -> System.currentTimeMillis() > second.timestamp(), "the clock moved on");
    Instant between = Instant.now();
    MessageId third = await(bus.publish(topic, "three"));
    assertThat(third.timestamp()).isGreaterThan(between.toEpochMilli() - 1);

    List<String> fromNew = received("new", StartPosition.NEW);
    List<String> fromStart = received("all", StartPosition.BEGINNING);
    List<String> afterFirst = received("after", StartPosition.afterId(first.value()));
    List<String> fromTime = received("time", StartPosition.fromTime(between));
    await(bus.publish(topic, "four"));
    eventually(Duration.ofSeconds(10), () -> fromNew.size() == 1 && fromStart.size() == 4
        && afterFirst.size() == 3 && fromTime.size() == 2, "each group from its own start");
    assertThat(fromNew).containsExactly("four");
    assertThat(fromStart).containsExactly("one", "two", "three", "four");
    assertThat(afterFirst).containsExactly("two", "three", "four");
    assertThat(fromTime).containsExactly("three", "four");
  }

  private List<String> received(String group, StartPosition position) {
    List<String> got = new CopyOnWriteArrayList<>();
    await(bus().subscribe(topic, group, m -> {
      got.add(m.text());
      return Future.succeededFuture();
    }, fastConsumer().setStartPosition(position).setMaxInFlight(1)));
    return got;
  }

  @Test
  void rateLimitCapsHandlerStarts() {
    StreamBus bus = bus();
    List<Long> at = new CopyOnWriteArrayList<>();
    await(bus.subscribe(topic, "g", m -> {
      at.add(System.nanoTime());
      return Future.succeededFuture();
    }, fastConsumer().setMaxRatePerSecond(20)));
    for (int i = 0; i < 30; i++) {
      bus.publish(topic, "m" + i);
    }
    eventually(Duration.ofSeconds(10), () -> at.size() == 30, "all 30");
    double seconds = (at.get(29) - at.get(0)) / 1e9;
    // 30 starts at 20/s with a burst of 20: the last 10 need at least ~0.45 s
    assertThat(seconds).isGreaterThan(0.4);
  }
}
