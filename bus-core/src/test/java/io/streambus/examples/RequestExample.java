package io.streambus.examples;

import io.streambus.BusException;
import io.streambus.ConsumerOptions;
import io.streambus.OutgoingMessage;
import io.streambus.OutgoingReply;
import io.streambus.Reply;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The example of docs/requests.md, compiled and run by the build (RequestExampleTest). */
final class RequestExample {
  private RequestExample() {
  }

  // request:responder:start
  /** The pricing service: a consumer group of the "prices" topic whose handler's result is the reply. */
  static Future<Subscription> pricing(StreamBus bus) {
    return bus.respond("prices", "pricing", request -> {
      String sku = request.json().getString("sku");
      if (sku == null) {
        // final: the requester gets RESPONDER_FAILED at once, the request is dead-lettered
        throw new BusException.NonRetryable("no sku in " + request.text());
      }
      return priceOf(sku, request.timeLeftMs()) // a failure is retried, the requester keeps waiting
          .map(cents -> OutgoingReply.json(new JsonObject().put("sku", sku).put("cents", cents))
              .header("currency", "EUR"));
    }, new ConsumerOptions().setMaxDeliveries(3));
  }
  // request:responder:end

  // request:requester:start
  /** Any service, in any process: the reply comes back to the bus instance that asked. */
  static Future<Long> price(StreamBus bus, String sku) {
    return bus.request(OutgoingMessage.json("prices", new JsonObject().put("sku", sku)), 2_000)
        .map(Reply::json)
        .map(reply -> reply.getLong("cents"))
        .recover(e -> {
          if (e instanceof BusException.RequestFailed failed
              && failed.kind() == BusException.RequestFailed.Kind.NO_RESPONDER) {
            return Future.succeededFuture(-1L); // nobody serves "prices": known at once, not after 2 s
          }
          return Future.failedFuture(e); // TIMEOUT, RESPONDER_FAILED (its error), CANCELLED
        });
  }
  // request:requester:end

  /** A price lookup that answers in time. */
  private static Future<Long> priceOf(String sku, long timeLeftMs) {
    return Future.succeededFuture(timeLeftMs > 0 ? 100L * sku.length() : 0L);
  }
}
