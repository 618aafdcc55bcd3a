package io.streambus.consumers;

import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Runs the subscriptions of a {@link ConsumerConfig}: one per topic, in the configured group, all calling one
 * handler (or one projection) on this verticle's context. (A "consumer verticle", not a Vert.x worker verticle: it
 * never blocks.)
 *
 * <p>Start succeeds when every subscription runs, and fails (closing those already opened) when one cannot start.
 * Stop closes every subscription, which stops reading, drains in-flight handlers up to the drain timeout, flushes
 * acknowledgements and leaves the group when nothing is left pending; what is not finished stays pending and is
 * reclaimed by peers.
 */
public final class ConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  private final ConsumerConfig config;
  /** Starts the subscription of one topic: a handler's, or a projection's. */
  private final Function<String, Future<Subscription>> subscribe;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  public ConsumerVerticle(StreamBus bus, ConsumerConfig config, MessageHandler handler) {
    this.config = config;
    this.subscribe = topic -> bus.subscribe(topic, config.group(), handler, config.options());
  }

  /** Consumes every topic with {@code projection} ({@link StreamBus#project}) instead of a handler. */
  public ConsumerVerticle(StreamBus bus, ConsumerConfig config, Projection projection) {
    this.config = config;
    this.subscribe = topic -> bus.project(topic, config.group(), projection, config.options());
  }

  @Override
  public Future<?> start() {
    List<Future<Subscription>> started = new ArrayList<>();
    for (String topic : config.topics()) {
      started.add(subscribe.apply(topic).onSuccess(sub -> {
        subscriptions.add(sub);
        LOG.info("consuming {} as {} in group {} (handler {}, max in flight {})", topic, sub.consumerName(),
            config.group(), config.handler(), config.options().getMaxInFlight());
      }));
    }
    return Future.all(started).recover(err -> closeAll().transform(ignored -> Future.failedFuture(err)));
  }

  @Override
  public Future<?> stop() {
    LOG.info("stopping {} subscriptions, draining in-flight messages", subscriptions.size());
    return closeAll();
  }

  private Future<Void> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    subscriptions.forEach(s -> closed.add(s.close()));
    return Future.join(closed).mapEmpty();
  }

  /** True while every configured subscription is open. */
  public boolean running() {
    return subscriptions.size() == config.topics().size() && subscriptions.stream().noneMatch(Subscription::isClosed);
  }

  /** The open subscriptions. */
  public List<Subscription> subscriptions() {
    return List.copyOf(subscriptions);
  }
}
