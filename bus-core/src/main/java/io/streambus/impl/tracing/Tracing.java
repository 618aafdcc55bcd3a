package io.streambus.impl.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.streambus.Message;
import io.streambus.OutgoingMessage;

/**
 * The bus's spans, behind types whose methods the publisher and the dispatcher call with no OpenTelemetry type
 * (only the factory {@link #of} takes one): opentelemetry-api is an optional dependency, and without it on the class
 * path only {@link #OFF} is ever used; the JVM resolves the OpenTelemetry types named here only when code that uses
 * them runs. Off, publishing and dispatching test one final field and do nothing else.
 */
public abstract class Tracing {
  /** No spans, no headers. */
  public static final Tracing OFF = new Off();

  private final boolean enabled;

  Tracing(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * {@link GlobalOpenTelemetry} as it is when this is called, or {@link #OFF} when opentelemetry-api is not on the
   * class path or nothing was registered (the API's no-op). {@code getOrNoop} rather than {@code get}: {@code get} would
   * register the no-op for good, and an application that registers its SDK after creating the bus would then fail.
   */
  public static Tracing global() {
    return ApiPresence.AVAILABLE ? of(GlobalOpenTelemetry.getOrNoop()) : OFF;
  }

  /** Spans from {@code openTelemetry}; {@link #OFF} when it is null or its tracer provider is the no-op. */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return OtelTracing.create(openTelemetry);
  }

  /** Whether spans are made; when false the other methods must not be called. */
  public final boolean enabled() {
    return enabled;
  }

  /**
   * Starts the producer span of one publish, a child of the caller's current context, and gives the trace context
   * (e.g. {@code traceparent}) the entry carries.
   */
  public abstract PublishTrace publish(OutgoingMessage message);

  /**
   * Starts the consumer span of one delivery to {@code group}, a child of the trace context the entry carries (a root
   * span when it carries none).
   */
  public abstract DeliveryTrace deliver(Message message, String group, String consumer);

  /** Holds the answer to "is opentelemetry-api on the class path?", asked once. */
  private static final class ApiPresence {
    static final boolean AVAILABLE = available();

    private static boolean available() {
      try {
        Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, Tracing.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  private static final class Off extends Tracing {
    Off() {
      super(false);
    }

    @Override
    public PublishTrace publish(OutgoingMessage message) {
      throw new IllegalStateException("tracing is off");
    }

    @Override
    public DeliveryTrace deliver(Message message, String group, String consumer) {
      throw new IllegalStateException("tracing is off");
    }
  }
}
