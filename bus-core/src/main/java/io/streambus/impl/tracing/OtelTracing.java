package io.streambus.impl.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.streambus.Message;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.impl.wire.EntryCodec;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Spans after the OpenTelemetry messaging semantic conventions (1.27 and later: {@code messaging.operation.type}
 * {@code send} / {@code process}, span names {@code "<operation> <destination>"}), and the trace context carried in the
 * entry's headers by the application's propagator ({@code traceparent} / {@code tracestate} with the default W3C one).
 */
final class OtelTracing extends Tracing {
  static final String INSTRUMENTATION_NAME = "io.streambus";
  /** No registered value fits; the conventions allow a custom one. */
  static final String SYSTEM = "redis_streams";

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  /** No convention names a delivery count outside vendor namespaces. */
  static final AttributeKey<Long> DELIVERY_COUNT = AttributeKey.longKey("streambus.delivery_count");

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  /**
   * Whether the context storage is not the thread-local default, i.e. keeps the current context somewhere that
   * follows asynchronous steps (vertx-opentelemetry keeps it in the Vert.x context). Then a delivery's scope stays
   * open on its own Vert.x context until the outcome; with the thread-local default it must be closed before the
   * thread moves on.
   */
  private final boolean contextBound;

  private OtelTracing(OpenTelemetry openTelemetry) {
    super(true);
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.contextBound = ContextStorage.get() != ContextStorage.defaultStorage();
  }

  static Tracing create(OpenTelemetry openTelemetry) {
    if (openTelemetry == null || openTelemetry.getTracerProvider() == TracerProvider.noop()) {
      return OFF;
    }
    return new OtelTracing(openTelemetry);
  }

  @Override
  public PublishTrace publish(OutgoingMessage message) {
    Context parent = Context.current();
    Span span = tracer.spanBuilder("publish " + message.topic())
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(parent)
        .setAttribute(MESSAGING_SYSTEM, SYSTEM)
        .setAttribute(OPERATION_NAME, "publish")
        .setAttribute(OPERATION_TYPE, "send")
        .setAttribute(DESTINATION, message.topic())
        .setAttribute(BODY_SIZE, (long) message.payload().length())
        .startSpan();
    Map<String, String> headers = new LinkedHashMap<>(4);
    Context context = parent.with(span);
    propagator.inject(context, headers, MapSetter.INSTANCE);
    return new Publish(span, context, headers);
  }

  @Override
  public DeliveryTrace deliver(Message message, String group, String consumer) {
    // the creation context the entry carries, not the ambient one: a delivery continues its publisher's trace
    Context parent = propagator.extract(Context.root(), message, HeaderGetter.INSTANCE);
    Buffer payload = message.payload();
    var builder = tracer.spanBuilder("process " + message.topic())
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(parent)
        .setAttribute(MESSAGING_SYSTEM, SYSTEM)
        .setAttribute(OPERATION_NAME, "process")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(DESTINATION, message.topic())
        .setAttribute(PARTITION, Integer.toString(message.partition()))
        .setAttribute(GROUP, group)
        .setAttribute(CLIENT_ID, consumer)
        .setAttribute(MESSAGE_ID, message.id().value())
        .setAttribute(DELIVERY_COUNT, (long) message.deliveryCount());
    if (payload != null) {
      builder.setAttribute(BODY_SIZE, (long) payload.length());
    }
    Span span = builder.startSpan();
    return new Delivery(span, parent.with(span), contextBound);
  }

  private static void failed(Span span, Throwable failure) {
    span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    span.setAttribute(ERROR_TYPE, failure.getClass().getName());
    span.recordException(failure);
  }

  private static final class Publish implements PublishTrace {
    private final Span span;
    private final Context context;
    private final Map<String, String> headers;

    Publish(Span span, Context context, Map<String, String> headers) {
      this.span = span;
      this.context = context;
      this.headers = headers;
    }

    @Override
    public Map<String, String> headers() {
      return headers;
    }

    @Override
    public <T> T inSpan(Supplier<T> send) {
      try (Scope ignored = context.makeCurrent()) {
        return send.get();
      }
    }

    @Override
    public void end(AsyncResult<MessageId> outcome) {
      if (outcome.succeeded()) {
        MessageId id = outcome.result();
        span.setAttribute(PARTITION, Integer.toString(id.partition()));
        span.setAttribute(MESSAGE_ID, id.value());
      } else {
        failed(span, outcome.cause());
      }
      span.end();
    }
  }

  private static final class Delivery implements DeliveryTrace {
    private final Span span;
    private final Context context;
    private final boolean contextBound;
    /** Written on the delivery's context, closed by {@link #end} wherever the outcome is known. */
    private volatile Scope scope;
    private volatile boolean ended;

    Delivery(Span span, Context context, boolean contextBound) {
      this.span = span;
      this.context = context;
      this.contextBound = contextBound;
    }

    @Override
    public Future<Void> call(Supplier<Future<Void>> handler) {
      if (ended) {
        return Future.failedFuture("the delivery ended before its handler was called");
      }
      Scope s = context.makeCurrent();
      try {
        return handler.get();
      } finally {
        if (contextBound) {
          scope = s;
          if (ended) {
            closeScope(); // it ended while the handler ran (a timeout on another thread)
          }
        } else {
          s.close();
        }
      }
    }

    @Override
    public void end(Throwable failure) {
      ended = true;
      closeScope();
      if (failure != null) {
        failed(span, failure);
      }
      span.end();
    }

    private void closeScope() {
      Scope s = scope;
      if (s != null) {
        scope = null;
        s.close();
      }
    }
  }

  private enum MapSetter implements TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(key, value);
      }
    }
  }

  /** Reads a header from the entry's {@code h:<name>} field, without building the message's header map. */
  private enum HeaderGetter implements TextMapGetter<Message> {
    INSTANCE;

    private static final String PREFIX = EntryCodec.HEADER_PREFIX;

    @Override
    public Iterable<String> keys(Message carrier) {
      List<String> keys = new ArrayList<>();
      for (String field : carrier.fields().keySet()) {
        if (field.startsWith(PREFIX) && field.length() > PREFIX.length()) {
          keys.add(field.substring(PREFIX.length()));
        }
      }
      return keys;
    }

    @Override
    public String get(Message carrier, String key) {
      if (carrier == null) {
        return null;
      }
      Buffer value = carrier.fields().get(PREFIX + key);
      return value == null ? null : value.toString();
    }
  }
}
