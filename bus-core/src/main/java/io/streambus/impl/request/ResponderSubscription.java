package io.streambus.impl.request;

import io.streambus.Subscription;
import io.vertx.core.Future;

/** A responder's subscription: closing it withdraws the responder's presence first, then closes the subscription. */
public final class ResponderSubscription implements Subscription {
  /** Withdraws the responder's presence. */
  public interface Leave {
    Future<Void> leave();
  }

  private final Subscription subscription;
  private final Leave leave;

  public ResponderSubscription(Subscription subscription, Leave leave) {
    this.subscription = subscription;
    this.leave = leave;
  }

  @Override
  public String topic() {
    return subscription.topic();
  }

  @Override
  public String group() {
    return subscription.group();
  }

  @Override
  public String consumerName() {
    return subscription.consumerName();
  }

  @Override
  public int inFlight() {
    return subscription.inFlight();
  }

  @Override
  public void pause() {
    subscription.pause();
  }

  @Override
  public void resume() {
    subscription.resume();
  }

  @Override
  public boolean isClosed() {
    return subscription.isClosed();
  }

  @Override
  public Future<Void> close() {
    // no new request is sent here once the presence is gone; those already in flight are drained by the close
    return leave.leave().transform(x -> subscription.close());
  }
}
