package io.streambus.impl.tracing;

import io.vertx.core.Future;

import java.util.function.Supplier;

/** The consumer span of one delivery: started when the delivery is dispatched, ended with its outcome. */
public interface DeliveryTrace {

  /**
   * Calls the handler with the span current. Must run on the delivery's own Vert.x context (a fresh duplicate): with a
   * context storage that keeps the OpenTelemetry context in the Vert.x context (vertx-opentelemetry's), the span stays
   * current there for the handler's later asynchronous steps until {@link #end}; with the thread-local default it is
   * current only while the handler's synchronous part runs. Does not call the handler, and fails, once ended.
   */
  Future<Void> call(Supplier<Future<Void>> handler);

  /** Ends the span: {@code failure} null for success. Called once, from any thread. */
  void end(Throwable failure);
}
