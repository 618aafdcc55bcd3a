package io.streambus.consumers.spi;

import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Plugs a {@link Projection} into the consumers fat-jar by name: the process then consumes its topics with
 * {@link io.streambus.StreamBus#project} (the writes of each message applied exactly once with its acknowledgement)
 * instead of subscribing a handler. Registered and selected as a {@link HandlerFactory} is (same services file, same
 * {@code BUS_HANDLER}); {@link #createProjection} is called instead of {@link #create}.
 */
public interface ProjectionFactory extends HandlerFactory {

  /**
   * Builds the projection, once per process, before anything starts; it is shared by every subscription.
   *
   * @throws io.streambus.app.ConfigException when a setting of this projection is missing or invalid
   */
  Projection createProjection(Vertx vertx, JsonObject config);

  /** Not called: a projection's process projects (see {@link #createProjection}). */
  @Override
  default MessageHandler create(Vertx vertx, JsonObject config) {
    throw new UnsupportedOperationException(name() + " is a projection: use createProjection");
  }
}
