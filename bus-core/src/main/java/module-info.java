/**
 * Streambus: an event bus for Vert.x services on Redis Streams consumer groups. Only the API packages are exported
 * ({@code io.streambus}, and {@code io.streambus.admin}: the read model and the operator's actions); the
 * implementation ({@code io.streambus.impl} and its sub-packages: connection, wire, metrics, topic, publish, consume,
 * admin, request) is not.
 */
module io.streambus {
  requires transitive io.vertx.core;
  requires transitive micrometer.core;
  requires io.vertx.redis.client;
  // the generated option converters' annotations (compile time only)
  requires static io.vertx.codegen.api;
  requires static io.vertx.codegen.json;
  requires org.slf4j;
  // the deadline sweeps are scheduled on the Netty event loop itself (Deadlines: not cancelled with a verticle)
  requires io.netty.transport;
  requires io.netty.common;
  // optional: tracing is on only when opentelemetry-api is there (an SDK registered, or given to StreamBus.create)
  requires static transitive io.opentelemetry.api;
  requires static io.opentelemetry.context;
  requires java.management;

  exports io.streambus;
  exports io.streambus.admin;
}
