package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.RetryOptions;

/**
 * The retry-or-dead-letter decision, in one place. A message may reach handlers at most {@code maxDeliveries} times;
 * deliveries to consumers that died holding it count too (Redis counts every claim).
 */
final class DeliveryPolicy {
  private final int maxDeliveries;
  private final RetryOptions retry;

  DeliveryPolicy(int maxDeliveries, RetryOptions retry) {
    this.maxDeliveries = maxDeliveries;
    this.retry = retry;
  }

  /** True when a message delivered {@code deliveries} times so far may be delivered once more. */
  boolean mayDeliverAgain(int deliveries) {
    return deliveries < maxDeliveries;
  }

  /**
   * A read or claim brought a message whose delivery count (this delivery included) is {@code deliveryCount}: true
   * when it must not reach a handler, because the deliveries before this one used up the limit.
   */
  boolean exhausted(int deliveryCount) {
    return !mayDeliverAgain(deliveryCount - 1);
  }

  /** After a failed delivery number {@code deliveryCount}: ms until the next delivery, or -1 to dead-letter now. */
  long retryDelayMs(int deliveryCount, Throwable error) {
    if (error instanceof BusException.NonRetryable || !mayDeliverAgain(deliveryCount)) {
      return -1;
    }
    return retry.backoffMs(deliveryCount);
  }
}
