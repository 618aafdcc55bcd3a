package io.streambus.demo.docs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What the handler of the docs' example calls: here, it only records the last charge. */
final class Billing {
  static volatile String lastCharge;

  private Billing() {
  }

  static Future<Void> charge(String url, JsonObject order) {
    lastCharge = url + " " + order.encode();
    return Future.succeededFuture();
  }
}
