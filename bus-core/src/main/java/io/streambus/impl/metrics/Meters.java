package io.streambus.impl.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streambus.BusMeters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Registers and caches the bus's meters (names in {@link BusMeters}), each with a description. */
public final class Meters {
  private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
      Map.entry(BusMeters.PUBLISHED, "Messages stored by publish"),
      Map.entry(BusMeters.PUBLISH_FAILED, "Publishes that failed"),
      Map.entry(BusMeters.DELIVERED, "Deliveries to handlers"),
      Map.entry(BusMeters.REDELIVERED, "Deliveries of messages delivered before"),
      Map.entry(BusMeters.ACKED, "Messages acknowledged after success"),
      Map.entry(BusMeters.FAILED, "Handler failures"),
      Map.entry(BusMeters.RETRIED, "Failed messages scheduled for another delivery"),
      Map.entry(BusMeters.RECLAIMED, "Pending messages taken over from stalled consumers"),
      Map.entry(BusMeters.DEAD_LETTERED, "Messages moved to the dead-letter stream"),
      Map.entry(BusMeters.PENDING_TRIMMED, "Pending ids whose entry no longer existed"),
      Map.entry(BusMeters.SKIPPED, "Entries replayed to another group"),
      Map.entry(BusMeters.LEASE_LOST, "Messages whose lease this consumer lost while holding them"),
      Map.entry(BusMeters.TRIMMED, "Entries trimmed after every group acknowledged them"),
      Map.entry(BusMeters.TRIMMED_UNACKED, "Entries cut by the MAXLEN cap before every group acknowledged them"),
      Map.entry(BusMeters.REQUEST_SENT, "Requests stored for a responder"),
      Map.entry(BusMeters.REQUEST_REPLIED, "Replies handed to a waiting request"),
      Map.entry(BusMeters.REQUEST_TIMEOUT, "Requests that got no reply within their timeout"),
      Map.entry(BusMeters.REQUEST_NO_RESPONDER, "Requests refused because no responder served the topic"),
      Map.entry(BusMeters.REQUEST_CANCELLED, "Requests failed because their bus closed"),
      Map.entry(BusMeters.REQUEST_LATE, "Replies that found no waiting request (dropped)"),
      Map.entry(BusMeters.REQUEST_ANSWERED, "Replies added to a requester's reply stream"),
      Map.entry(BusMeters.REQUEST_ANSWER_DROPPED, "Replies not added: the requester's reply stream was gone"),
      Map.entry(BusMeters.REQUEST_EXPIRED, "Requests acknowledged without a reply because their deadline had passed"));

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

  public Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Counter counter(String name, String topic) {
    return counters.computeIfAbsent(name + '|' + topic, k -> Counter.builder(name)
        .description(DESCRIPTIONS.get(name)).tag("topic", topic).register(registry));
  }

  public Counter counter(String name, String topic, String group) {
    return counters.computeIfAbsent(name + '|' + topic + '|' + group, k -> Counter.builder(name)
        .description(DESCRIPTIONS.get(name)).tag("topic", topic).tag("group", group).register(registry));
  }

  /** A counter with one more tag than {@link #counter(String, String, String)}; {@code group} may be null for none. */
  public Counter counter(String name, String topic, String group, String tag, String value) {
    return counters.computeIfAbsent(name + '|' + topic + '|' + group + '|' + tag + '=' + value, k -> {
      Counter.Builder b = Counter.builder(name).description(DESCRIPTIONS.get(name)).tag("topic", topic).tag(tag, value);
      if (group != null) {
        b.tag("group", group);
      }
      return b.register(registry);
    });
  }

  /** The requests' round-trip timer of a topic: from sending a request to its reply being handed over. */
  public Timer roundTrip(String topic) {
    return timers.computeIfAbsent(BusMeters.REQUEST_ROUND_TRIP + '|' + topic,
        k -> Timer.builder(BusMeters.REQUEST_ROUND_TRIP).description("From sending a request to its reply")
            .tag("topic", topic).publishPercentileHistogram().register(registry));
  }

  public Timer handlerTimer(String topic, String group, boolean success) {
    String outcome = success ? "success" : "failure";
    return timers.computeIfAbsent(BusMeters.HANDLER_TIME + '|' + topic + '|' + group + '|' + outcome,
        k -> Timer.builder(BusMeters.HANDLER_TIME).description("Handler time").tag("topic", topic)
            .tag("group", group).tag("outcome", outcome).publishPercentileHistogram().register(registry));
  }

  public Timer endToEnd(String topic, String group) {
    return timers.computeIfAbsent(BusMeters.END_TO_END + '|' + topic + '|' + group,
        k -> Timer.builder(BusMeters.END_TO_END).description("From publish (entry id time) to acknowledgement")
            .tag("topic", topic).tag("group", group).publishPercentileHistogram().register(registry));
  }

  /** Records now minus the entry id's time on {@code timer} (an {@link #endToEnd} timer); skips unknown times. */
  public static void recordEndToEnd(Timer timer, long publishedAtMs) {
    long ms = System.currentTimeMillis() - publishedAtMs;
    if (publishedAtMs > 0 && ms >= 0) {
      timer.record(ms, TimeUnit.MILLISECONDS);
    }
  }

  /** A gauge backed by a value the maintenance loop refreshes; partition may be -1 for none. */
  public AtomicLong gauge(String name, String description, String topic, String group, int partition) {
    String key = name + '|' + topic + '|' + group + '|' + partition;
    return gauges.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, AtomicLong::doubleValue).description(description)
          .tag("topic", topic);
      if (group != null) {
        b.tag("group", group);
      }
      if (partition >= 0) {
        b.tag("partition", Integer.toString(partition));
      }
      b.register(registry);
      return value;
    });
  }
}
