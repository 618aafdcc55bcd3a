package io.streambus.impl.tracing;

import io.streambus.MessageId;
import io.vertx.core.AsyncResult;

import java.util.Map;
import java.util.function.Supplier;

/** The producer span of one publish. */
public interface PublishTrace {

  /** Header name to value: the trace context the entry carries ({@code traceparent}, {@code tracestate}, ...). */
  Map<String, String> headers();

  /**
   * Runs {@code send} with the span current, so that what it does inside a trace is part of it (Vert.x's Redis client
   * makes a span for each command sent with a span current, when the Vert.x instance has a tracer).
   */
  <T> T inSpan(Supplier<T> send);

  /** Ends the span with the publish's outcome (the id names the partition and the entry). */
  void end(AsyncResult<MessageId> outcome);
}
