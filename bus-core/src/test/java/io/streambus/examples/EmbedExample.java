package io.streambus.examples;

import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.OutgoingMessage;
import io.streambus.RetryOptions;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The README's "embed bus-core" example, compiled and run by the build (EmbedExampleTest). */
public class EmbedExample extends VerticleBase {
  private final String redisUrl;
  private StreamBus bus;

  public EmbedExample(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  // embed:start
  @Override
  public Future<?> start() {
    bus = StreamBus.create(vertx, new BusOptions().setConnectionString(redisUrl).setPartitions(4));

    // consume: every group gets every message; members of a group share them
    Future<Subscription> billing = bus.subscribe("orders", "billing", message -> {
      JsonObject order = message.json();
      return charge(order); // success acks; failure retries with backoff, then dead-letters
    }, new ConsumerOptions().setMaxInFlight(32).setMaxDeliveries(5)
        .setRetry(new RetryOptions().setInitialBackoffMs(200)));

    // publish: the key picks the partition, so one customer's orders are stored in order
    return billing.compose(s -> bus.publish(OutgoingMessage
        .json("orders", new JsonObject().put("id", 42).put("amount", 9.99))
        .key("customer-7")
        .header("source", "checkout")));
  }

  @Override
  public Future<?> stop() {
    return bus.close(); // drains in-flight handlers, flushes acks, leaves the group
  }
  // embed:end

  private Future<Void> charge(JsonObject order) {
    charged = order;
    return Future.succeededFuture();
  }

  /** The last order charged (for the test). */
  public volatile JsonObject charged;
}
