package io.streambus.consumers.spi;

import io.streambus.MessageHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Plugs a message handler into the consumers fat-jar by name. Implement it in your own jar, list the class in
 * {@code META-INF/services/io.streambus.consumers.spi.HandlerFactory}, put the jar on the class path next to
 * {@code streambus-consumers.jar} ({@code java -cp streambus-consumers.jar:my-handlers.jar
 * io.streambus.consumers.ConsumersMain}) and set {@code BUS_HANDLER} to its {@link #name()}.
 *
 * <p>The factory is found with {@link java.util.ServiceLoader}, so it needs a public no-argument constructor.
 * {@link #create} is called once per process, before anything starts, on a non-Vert.x thread; the handler it
 * returns is shared by every subscription of the process and called on their Vert.x contexts (it must not block: use
 * {@code vertx.executeBlocking} for blocking work). The handler's future decides each message's fate, as
 * {@link MessageHandler} says: success acknowledges, failure retries with backoff, and
 * {@link io.streambus.BusException.NonRetryable} dead-letters at once.
 */
public interface HandlerFactory {

  /** The name {@code BUS_HANDLER} selects, e.g. {@code http}. Names are unique on the class path. */
  String name();

  /**
   * Builds the handler.
   *
   * @param config every setting of the process by canonical name ({@code BUS_*}); read yours with
   *     {@code new io.streambus.app.Settings(config)}, whose getters validate and name the setting on error
   * @throws io.streambus.app.ConfigException when a setting of this handler is missing or invalid; the process
   *     prints it and exits with code 2
   */
  MessageHandler create(Vertx vertx, JsonObject config);

  /** The settings this handler reads, so that the process does not warn about them as unknown. */
  default Set<String> settingNames() {
    return Set.of();
  }
}
