package io.streambus.impl.tracing;

import io.streambus.MessageId;
import io.vertx.core.AsyncResult;

import java.util.Map;

/** The producer span of one publish. */
public interface PublishTrace {

  /** Header name to value: the trace context the entry carries ({@code traceparent}, {@code tracestate}, ...). */
  Map<String, String> headers();

  /** Ends the span with the publish's outcome (the id names the partition and the entry). */
  void end(AsyncResult<MessageId> outcome);
}
