package io.streambus.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The bus with its defaults (leases, reclaim, dead-lettering, ACKED trimming, gauges) and a real meter registry; only
 * {@code maxInFlight} is set, to the plain loop's read count, so both ask Redis for as many entries at a time.
 */
final class BusSubject implements Subject {
  static final String GROUP = "bench";
  private final StreamBus bus;
  private final MeterRegistry registry;
  private final BusOptions options;
  private final String topic;
  private final int maxInFlight;

  BusSubject(Vertx vertx, BusOptions options, MeterRegistry registry, String topic, int maxInFlight) {
    this.options = options;
    this.registry = registry;
    this.bus = StreamBus.create(vertx, options, registry);
    this.topic = topic;
    this.maxInFlight = maxInFlight;
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

  private OutgoingMessage message(Buffer payload) {
    return OutgoingMessage.bytes(topic, payload).header(Payloads.HEADER_1, Payloads.VALUE_1)
        .header(Payloads.HEADER_2, Payloads.VALUE_2);
  }

  @Override
  public Future<Void> consume(List<Context> contexts, IntFunction<Receiver> sinks, long asyncDelayMs) {
    ConsumerOptions co = new ConsumerOptions().setMaxInFlight(maxInFlight);
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
    return Future.all(subs).mapEmpty();
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
