package io.streambus.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The bus with its defaults (reclaim, dead-lettering, ACKED trimming, gauges) and a real meter registry; only
 * {@code maxInFlight} is set, to the plain loop's read count.
 */
final class BusSubject implements Subject {
  static final String GROUP = "bench";
  private final StreamBus bus;
  private final MeterRegistry registry;
  private final BusOptions options;
  private final String topic;
  private final int readCount;

  BusSubject(Vertx vertx, BusOptions options, MeterRegistry registry, String topic, int readCount) {
    this.options = options;
    this.registry = registry;
    this.bus = StreamBus.create(vertx, options, registry);
    this.topic = topic;
    this.readCount = readCount;
  }

  @Override
  public String name() {
    return "bus";
  }

  /** A PING from the publisher's context: the bus's command connection is made there, as in a publishing verticle. */
  @Override
  public Future<Void> open() {
    return bus.ping();
  }

  @Override
  public Future<?> publish(Buffer payload) {
    return bus.publish(OutgoingMessage.bytes(topic, payload));
  }

  @Override
  public Future<Void> consume(int consumers, IntFunction<Receiver> sinks) {
    ConsumerOptions co = new ConsumerOptions().setMaxInFlight(readCount);
    List<Future<?>> subs = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      Receiver sink = sinks.apply(i);
      subs.add(bus.subscribe(topic, GROUP, m -> {
        sink.accept(m.payload());
        return Future.succeededFuture();
      }, co));
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
