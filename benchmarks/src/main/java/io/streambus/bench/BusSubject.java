package io.streambus.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.Ordering;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.function.IntFunction;

/**
 * The bus with its defaults (leases, reclaim, dead-lettering, ACKED trimming, gauges) and a real meter registry; only
 * {@code maxInFlight} is set, to the plain loop's read count, so both ask Redis for as many entries at a time (and,
 * for the ordering section, the ordering and keyed messages).
 */
final class BusSubject implements Subject {
  static final String GROUP = "bench";
  private final StreamBus bus;
  private final MeterRegistry registry;
  private final BusOptions options;
  private final String topic;
  /** How long the subscriptions may take to own the partitions evenly before a run starts. */
  private static final long SPREAD_TIMEOUT_MS = 30_000;
  private final Vertx vertx;
  private final int maxInFlight;
  private final Ordering ordering;
  private final String[] keys;
  private int next;

  /** @param keys distinct message keys, used in turn; 0: messages without a key */
  BusSubject(Vertx vertx, BusOptions options, MeterRegistry registry, String topic, int maxInFlight,
             Ordering ordering, int keys) {
    this.vertx = vertx;
    this.options = options;
    this.registry = registry;
    this.bus = StreamBus.create(vertx, options, registry);
    this.topic = topic;
    this.maxInFlight = maxInFlight;
    this.ordering = ordering;
    this.keys = new String[keys];
    for (int i = 0; i < keys; i++) {
      this.keys[i] = "customer-" + i;
    }
  }

  @Override
  public String name() {
    return "bus";
  }

  /**
   * From the publisher's context, as in a publishing verticle: the bus's command connection is made there, and one
   * message registers the topic before any subscription exists (so no group ever reads it). Subscriptions made
   * before the topic is registered run on whichever context completes the registration, not on their own (see
   * docs/benchmarks.md, "A bus-core bug"); registered first, each stays on the context it was made on.
   */
  @Override
  public Future<Void> open() {
    return bus.ping().compose(v -> bus.publish(OutgoingMessage.text(topic, "registers the topic"))).mapEmpty();
  }

  @Override
  public Future<?> publish(Buffer payload) {
    return bus.publish(message(payload));
  }

  @Override
  public Future<?> publishAll(List<Buffer> payloads) {
    List<OutgoingMessage> messages = new ArrayList<>(payloads.size());
    for (Buffer p : payloads) {
      messages.add(message(p));
    }
    return bus.publishAll(messages);
  }

  /** Called on the publisher's context only, so the key cursor needs no synchronisation. */
  private OutgoingMessage message(Buffer payload) {
    OutgoingMessage m = OutgoingMessage.bytes(topic, payload).header(Payloads.HEADER_1, Payloads.VALUE_1)
        .header(Payloads.HEADER_2, Payloads.VALUE_2);
    if (keys.length > 0) {
      m.key(keys[next]);
      next = (next + 1) % keys.length;
    }
    return m;
  }

  @Override
  public Future<Void> consume(List<Context> contexts, IntFunction<Receiver> sinks, long asyncDelayMs) {
    ConsumerOptions co = new ConsumerOptions().setMaxInFlight(maxInFlight).setOrdering(ordering);
    List<Future<?>> subs = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      Receiver sink = sinks.apply(i);
      Context context = contexts.get(i);
      Promise<Void> subscribed = Promise.promise();
      // subscribed on the context: the subscription runs there, as one made in a consumer verticle's start()
      context.runOnContext(v -> bus.subscribe(topic, GROUP, m -> Handlers.handle(sink, m.payload(), asyncDelayMs), co)
          .<Void>mapEmpty().onComplete(subscribed));
      subs.add(subscribed.future());
    }
    Future<Void> started = Future.all(subs).mapEmpty();
    return ordering == Ordering.NONE ? started : started.compose(v -> spread(contexts.size(),
        System.currentTimeMillis() + SPREAD_TIMEOUT_MS));
  }

  /**
   * With ordering, a run starts once every partition has an owner and the subscriptions own them evenly: the first
   * subscription takes all of them and hands some over as the others join, and a run measuring those hand-overs
   * would measure the start, not the steady state.
   */
  private Future<Void> spread(int subscriptions, long deadline) {
    return bus.admin().owners(topic, GROUP).compose(owners -> {
      Map<String, Long> perOwner = owners.values().stream().filter(Objects::nonNull)
          .collect(Collectors.groupingBy(o -> o, Collectors.counting()));
      int partitions = owners.size();
      long fair = (partitions + subscriptions - 1) / subscriptions;
      boolean even = owners.values().stream().noneMatch(Objects::isNull)
          && perOwner.size() == Math.min(subscriptions, partitions)
          && perOwner.values().stream().allMatch(n -> n <= fair);
      if (even) {
        return Future.<Void>succeededFuture();
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.<Void>failedFuture(new IllegalStateException("the " + subscriptions + " subscriptions did not"
            + " own the partitions evenly within " + SPREAD_TIMEOUT_MS + " ms: " + owners));
      }
      return vertx.timer(50).compose(t -> spread(subscriptions, deadline));
    });
  }

  @Override
  public String stream() {
    return options.getKeyPrefix() + ":{" + topic + ":0}";
  }

  @Override
  public String group() {
    return GROUP;
  }

  @Override
  public Future<Void> close() {
    return bus.close();
  }

  MeterRegistry registry() {
    return registry;
  }
}
