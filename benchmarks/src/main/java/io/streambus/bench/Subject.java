package io.streambus.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.function.IntFunction;

/**
 * What a run measures: the bus, or the plain loop it is compared with. One instance serves one run on a fresh stream
 * and is closed after it.
 */
interface Subject {

  /** "bus" or "plain". */
  String name();

  /** Prepares publishing. Called on the publisher's context, which every later {@link #publish} runs on too. */
  Future<Void> open();

  /** Publishes one payload; the future completes when Redis has stored it. */
  Future<?> publish(Buffer payload);

  /**
   * Starts {@code consumers} consumers in one group, each on a context of its own (called from a non-Vert.x thread).
   * Consumer {@code i} hands every payload to {@code sinks.apply(i)} and acknowledges it after that returns.
   */
  Future<Void> consume(int consumers, IntFunction<Receiver> sinks);

  /** The stream key and group, to check afterwards that everything was acknowledged (standalone only). */
  String stream();

  String group();

  /** Stops consuming and closes the connections. */
  Future<Void> close();
}
