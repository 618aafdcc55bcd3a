package io.streambus.consumers;

import io.streambus.MessageHandler;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.HandlerFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A handler registered only on the test class path (META-INF/services in src/test/resources), as a user's would be. */
public class TestHandlerFactory implements HandlerFactory {
  /** Payloads seen, per value of the setting BUS_TEST_LABEL. */
  static final Map<String, Set<String>> SEEN = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "test-recording";
  }

  @Override
  public MessageHandler create(Vertx vertx, JsonObject config) {
    String label = new Settings(config).required("BUS_TEST_LABEL");
    Set<String> seen = SEEN.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet());
    return message -> {
      seen.add(message.text());
      return Future.succeededFuture();
    };
  }

  @Override
  public Set<String> settingNames() {
    return Set.of("BUS_TEST_LABEL");
  }
}
