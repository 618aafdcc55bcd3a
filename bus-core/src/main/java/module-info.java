/**
 * Streambus: an event bus for Vert.x services on Redis Streams consumer groups. Only the API package is exported; the
 * implementation ({@code io.streambus.impl} and its sub-packages: connection, wire, metrics, topic, publish, consume,
 * admin) is not.
 */
module io.streambus {
  requires transitive io.vertx.core;
  requires transitive micrometer.core;
  requires io.vertx.redis.client;
  requires org.slf4j;
  requires java.management;

  exports io.streambus;
}
