package io.streambus.consumers.handlers;

import io.streambus.Message;
import io.streambus.MessageHandler;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.HandlerFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * {@code BUS_HANDLER=log}: logs each message (logger {@code io.streambus.consumers.messages}, INFO) with the first
 * {@value #PAYLOAD_CHARS} characters of its payload (default 200), and acknowledges it.
 */
public final class LogHandlerFactory implements HandlerFactory {
  public static final String PAYLOAD_CHARS = "BUS_LOG_PAYLOAD_CHARS";
  private static final Logger LOG = LoggerFactory.getLogger("io.streambus.consumers.messages");

  @Override
  public String name() {
    return "log";
  }

  @Override
  public MessageHandler create(Vertx vertx, JsonObject config) {
    int chars = new Settings(config).integer(PAYLOAD_CHARS, 200, 0, 1_000_000);
    return message -> {
      LOG.info("message {} key={} delivery={} headers={} payload={}", message.id(), message.key(),
          message.deliveryCount(), message.headers(), truncate(message, chars));
      return Future.succeededFuture();
    };
  }

  private static String truncate(Message m, int chars) {
    String text = m.isForeign() ? m.fields().toString() : m.text();
    return text.length() <= chars ? text : text.substring(0, chars) + "...";
  }

  @Override
  public Set<String> settingNames() {
    return Set.of(PAYLOAD_CHARS);
  }
}
