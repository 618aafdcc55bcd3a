package io.streambus.impl.consume;

import io.streambus.impl.tracing.DeliveryTrace;
import io.streambus.impl.tracing.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.tracing.TracingPolicy;

import java.util.UUID;

/**
 * The traced deliveries of one subscription: starts each delivery's consumer span, and runs its handler call on a
 * fresh duplicate of the subscription's context. The handlers of a subscription share its one context, and the current
 * OpenTelemetry context lives in the Vert.x context's locals (vertx-opentelemetry's context storage), so without a
 * context per delivery concurrent deliveries would overwrite each other's span, and a handler's later asynchronous step
 * (a timer, an HTTP call) would see whichever was set last. A duplicate shares the event loop and the deployment but
 * has locals of its own, and Vert.x runs everything a handler schedules from it on it.
 *
 * <p>Vert.x 5 has no public method that duplicates a context ({@code ContextInternal.duplicate()} is internal). Its
 * event bus hands every message to a consumer on a fresh duplicate of the consumer's context, so a local consumer
 * registered on the subscription's context is the public way to get one per delivery: one local send and one event-loop
 * task per delivery, paid only while tracing. The send is never traced itself ({@link TracingPolicy#IGNORE}) and never
 * leaves the process.
 */
final class TracedDeliveries {
  private final Vertx vertx;
  private final Context context;
  private final Tracing tracing;
  private final String group;
  private final String consumer;
  private final int maxQueued;
  private final String address = "streambus.deliveries." + UUID.randomUUID();
  private final TaskCodec codec = new TaskCodec("streambus.delivery-task." + UUID.randomUUID());
  private final DeliveryOptions delivery = new DeliveryOptions().setLocalOnly(true)
      .setTracingPolicy(TracingPolicy.IGNORE).setCodecName(codec.name());
  /** Set on the subscription's context; read by close, whose step may run elsewhere. */
  private volatile MessageConsumer<Runnable> tasks;

  /**
   * @param maxQueued the most calls waiting for their turn at once: the subscription's maxInFlight bounds them, but the
   *     consumer drops (with a warning) what is beyond its buffer
   */
  TracedDeliveries(Vertx vertx, Context context, Tracing tracing, String group, String consumer, int maxQueued) {
    this.vertx = vertx;
    this.context = context;
    this.tracing = tracing;
    this.group = group;
    this.consumer = consumer;
    this.maxQueued = maxQueued;
  }

  /** Registers the consumer on the subscription's context (the context its messages are duplicated from). */
  Future<Void> open() {
    Promise<Void> opened = Promise.promise();
    context.runOnContext(v -> {
      EventBus bus = vertx.eventBus();
      bus.registerCodec(codec);
      MessageConsumerOptions options = new MessageConsumerOptions().setAddress(address).setLocalOnly(true)
          .setMaxBufferedMessages(Math.max(MessageConsumerOptions.DEFAULT_MAX_BUFFERED_MESSAGES, 2 * maxQueued));
      tasks = bus.consumer(options, m -> m.body().run());
      tasks.completion().onComplete(opened);
    });
    return opened.future();
  }

  /** Starts the consumer span of a delivery; call on the subscription's context. */
  DeliveryTrace start(DefaultMessage message) {
    return tracing.deliver(message, group, consumer);
  }

  /** Runs {@code call} on a fresh duplicate of the subscription's context. */
  void run(Runnable call) {
    vertx.eventBus().send(address, call, delivery);
  }

  /** Unregisters the consumer: calls not yet run are dropped (close has given up on them by then). */
  Future<Void> close() {
    MessageConsumer<Runnable> t = tasks;
    if (t == null) {
      return Future.succeededFuture();
    }
    tasks = null;
    return t.unregister().eventually(() -> {
      vertx.eventBus().unregisterCodec(codec.name());
      return Future.succeededFuture();
    });
  }

  /** Hands the task itself over: local only. */
  private static final class TaskCodec implements MessageCodec<Runnable, Runnable> {
    private final String name;

    TaskCodec(String name) {
      this.name = name;
    }

    @Override
    public void encodeToWire(Buffer buffer, Runnable task) {
      throw new UnsupportedOperationException("a delivery task never leaves the process");
    }

    @Override
    public Runnable decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("a delivery task never leaves the process");
    }

    @Override
    public Runnable transform(Runnable task) {
      return task;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
