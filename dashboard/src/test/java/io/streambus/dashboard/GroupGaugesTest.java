package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.StreamBus;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.PrometheusText;
import io.streambus.testsupport.PrometheusText.Series;
import io.vertx.core.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's per-group gauges on {@code /metrics}, against a real Redis and a topic of three partitions whose
 * entries carry chosen ids (so the ages are known): backlog and unacked are sums over partitions, the age is the
 * largest over partitions, each group has exactly one series tagged topic and group, and a deleted group's series
 * go away while the other group's stay.
 */
class GroupGaugesTest extends DashboardTestBase {
  private static final String TOPIC = "orders";
  private static final String BACKLOG = "streambus_group_backlog";
  private static final String AGE = "streambus_group_backlog_age_seconds";
  private static final String UNACKED = "streambus_group_unacked";

  private StreamBus bus;
  /** Epoch ms the entries' ids are counted back from; the dashboard samples after it. */
  private long base;

  @BeforeEach
  void scene() {
    bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 3)).setTrimPolicy(BusOptions.TrimPolicy.NONE));
    createGroup("billing");
    createGroup("audit");
    base = System.currentTimeMillis();
    // Per partition, entries published this many seconds before base: 4 + 2 + 3 = 9 entries.
    addEntries(0, 60, 59, 58, 57);
    addEntries(1, 30, 29);
    addEntries(2, 10, 9, 8);
    // billing reads (and does not acknowledge) the oldest entry of partition 0 and the two oldest of partition 2:
    // undelivered 3 + 2 + 1 = 6, unacked 1 + 0 + 2 = 3; oldest undelivered per partition 59 s, 30 s and 8 s ago.
    redis.command("XREADGROUP", "GROUP", "billing", "worker-1", "COUNT", "1", "STREAMS", stream(TOPIC, 0), ">");
    redis.command("XREADGROUP", "GROUP", "billing", "worker-1", "COUNT", "2", "STREAMS", stream(TOPIC, 2), ">");
    startDashboard(new DashboardOptions().setSampleIntervalMs(200));
  }

  @Test
  void backlogAndUnackedAreSummedOverPartitionsAndTheAgeIsTheLargest() {
    List<Series> metrics = awaitMetrics(m -> value(m, BACKLOG, "billing").isPresent()
        && value(m, BACKLOG, "audit").isPresent());
    double elapsedS = (System.currentTimeMillis() - base) / 1000.0;

    assertThat(value(metrics, BACKLOG, "billing")).contains(6.0);
    assertThat(value(metrics, UNACKED, "billing")).contains(3.0);
    // Taken at a sample between base and now: 59 s plus at most the time since base. A sum of the partitions' ages
    // (59 + 30 + 8 s) would be far above.
    assertThat(value(metrics, AGE, "billing").orElseThrow()).as("billing's oldest undelivered age, seconds")
        .isBetween(59.0, 59.0 + elapsedS);

    assertThat(value(metrics, BACKLOG, "audit")).contains(9.0);
    assertThat(value(metrics, UNACKED, "audit")).contains(0.0);
    assertThat(value(metrics, AGE, "audit").orElseThrow()).isBetween(60.0, 60.0 + elapsedS);

    for (String name : List.of(BACKLOG, AGE, UNACKED)) {
      assertThat(PrometheusText.named(text(), name)).as(name + ": one series per group, tagged topic and group only")
          .extracting(Series::labels).containsExactlyInAnyOrder(
              Map.of("topic", TOPIC, "group", "billing"), Map.of("topic", TOPIC, "group", "audit"));
    }
  }

  @Test
  void gaugesFollowTheGroupAndADeletedGroupsSeriesGoAway() {
    awaitMetrics(m -> value(m, UNACKED, "billing").equals(Optional.of(3.0)));
    // Acknowledging what billing read empties its pending list; the backlog does not change.
    ackAll(0);
    ackAll(2);
    List<Series> acked = awaitMetrics(m -> value(m, UNACKED, "billing").equals(Optional.of(0.0)));
    assertThat(value(acked, BACKLOG, "billing")).contains(6.0);

    await(bus.admin().deleteGroup(TOPIC, "billing"));
    List<Series> after = awaitMetrics(m -> m.stream().noneMatch(s -> "billing".equals(s.labels().get("group"))));
    assertThat(value(after, BACKLOG, "audit")).contains(9.0);
    assertThat(value(after, UNACKED, "audit")).contains(0.0);
    assertThat(value(after, AGE, "audit")).isPresent();
  }

  /** A group as the bus makes it (at the stream's end), left without consumers. */
  private void createGroup(String group) {
    ConsumerOptions options = new ConsumerOptions().setBlockMs(100);
    await(bus.subscribe(TOPIC, group, m -> Future.succeededFuture(), options).compose(s -> s.close()));
  }

  private void addEntries(int partition, int... secondsBeforeBase) {
    for (int s : secondsBeforeBase) {
      redis.command("XADD", stream(TOPIC, partition), (base - s * 1000L) + "-0", "payload", "{\"ago\":" + s + "}");
    }
  }

  /** Acknowledges every entry billing holds on the partition. */
  private void ackAll(int partition) {
    String stream = stream(TOPIC, partition);
    for (Object entry : RedisReplies.list(redis.commandRaw("XPENDING", stream, "billing", "-", "+", "100"))) {
      redis.command("XACK", stream, "billing", String.valueOf(RedisReplies.list(entry).get(0)));
    }
  }

  private String text() {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private List<Series> awaitMetrics(Predicate<List<Series>> accept) {
    return Poll.until(Duration.ofSeconds(20), () -> PrometheusText.parse(text()), accept, "gauges on /metrics");
  }

  /** The value of the series {@code name} tagged exactly topic=orders and {@code group}. */
  private static Optional<Double> value(List<Series> metrics, String name, String group) {
    return metrics.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(Map.of("topic", TOPIC, "group", group)))
        .map(Series::value).findFirst();
  }
}
