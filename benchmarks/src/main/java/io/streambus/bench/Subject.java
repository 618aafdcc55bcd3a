package io.streambus.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.function.IntFunction;

/**
 * What a run measures: the bus, or the plain loop it is compared with. One instance serves one run on a fresh stream
 * and is closed after it.
 */
interface Subject {

  /** "bus" or "plain". */
  String name();

  /** Prepares publishing. Called on the publisher's context, which every later publish runs on too. */
  Future<Void> open();

  /** Publishes one message with {@code payload} and the two headers; completes when Redis has stored it. */
  Future<?> publish(Buffer payload);

  /** Publishes one message per payload in one call; completes when Redis has stored them all. */
  Future<?> publishAll(List<Buffer> payloads);

  /**
   * Starts one consumer per context in one group, consumer {@code i} on {@code contexts.get(i)} as a consumer verticle
   * would (called from a non-Vert.x thread). Consumer {@code i} hands every payload to {@code sinks.apply(i)} and
   * acknowledges it after the handler's future completes: at once ({@code asyncDelayMs < 0}), on a later event-loop
   * turn (0), or after a timer of that many ms.
   */
  Future<Void> consume(List<Context> contexts, IntFunction<Receiver> sinks, long asyncDelayMs);

  /** The stream key and group, to check afterwards that everything was acknowledged (standalone only). */
  String stream();

  String group();

  /** Stops consuming and closes the connections. */
  Future<Void> close();
}
