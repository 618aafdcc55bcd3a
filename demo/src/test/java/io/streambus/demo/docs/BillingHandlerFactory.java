package io.streambus.demo.docs;

import io.streambus.MessageHandler;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.HandlerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;

import static io.streambus.demo.docs.Billing.charge;

// doc:operations.md:handler-factory
public final class BillingHandlerFactory implements HandlerFactory {
  public String name() { return "billing"; }
  public Set<String> settingNames() { return Set.of("BUS_BILLING_URL"); }
  public MessageHandler create(Vertx vertx, JsonObject config) {
    String url = new Settings(config).required("BUS_BILLING_URL");   // ConfigException → exit 2
    return message -> charge(url, message.json());                   // Future<Void>: success = ack
  }
}
// doc:end
