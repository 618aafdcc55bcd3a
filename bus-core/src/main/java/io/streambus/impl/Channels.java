package io.streambus.impl;

import io.streambus.BusOptions;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.net.URI;

/** Makes {@link RedisChannel}s that share one client and the bus's reconnect settings. */
final class Channels {
  private final Vertx vertx;
  private final Redis client;
  private final BusOptions options;
  private final int selectDb;
  private final ClusterRoutes routes;

  Channels(Vertx vertx, Redis client, BusOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    boolean cluster = options.getTopology() == BusOptions.Topology.CLUSTER;
    this.selectDb = cluster ? 0 : database(options.getConnectionString());
    this.routes = cluster ? new ClusterRoutes(options.getKeyPrefix()) : null;
  }

  /** The database number in a connection string's path ({@code redis://host:port/3}), 0 when absent. */
  static int database(String connectionString) {
    try {
      String path = URI.create(connectionString).getPath();
      return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  RedisChannel create(String name) {
    return new RedisChannel(vertx, client, name, selectDb, routes, options.getReconnectInitialMs(),
        options.getReconnectMaxMs());
  }
}
