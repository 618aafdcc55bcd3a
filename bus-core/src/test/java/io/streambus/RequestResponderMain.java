package io.streambus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A responder process for {@link RequestProcessTest}: answers {@code <topic>}'s requests in group {@code g} after a
 * random handler time (1-40 ms), with its name and the delivery count in the reply's headers; prints READY once it
 * serves. Arguments: redis url, topic, consumer name.
 */
public final class RequestResponderMain {
  private RequestResponderMain() {
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    // a long command deadline: a child JVM starting on a loaded machine may hold its event loop for seconds at first
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setConnectionString(args[0]).setKeyPrefix("test")
        .setPublishTimeoutMs(30_000));
    ConsumerOptions options = new ConsumerOptions().setConsumerName(args[2]).setMaxInFlight(16).setBlockMs(200)
        .setClaimMinIdleMs(RequestProcessTest.CLAIM_MIN_IDLE_MS).setReclaimIntervalMs(RequestProcessTest.RECLAIM_MS);
    bus.respond(args[1], "g", r -> {
      Promise<OutgoingReply> p = Promise.promise();
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(40), t -> p.complete(OutgoingReply.text("re:" + r.text())
          .header("delivery", Integer.toString(r.deliveryCount()))));
      return p.future();
    }, options).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("READY " + args[2]);
      } else {
        ar.cause().printStackTrace();
        System.exit(2);
      }
    });
  }
}
