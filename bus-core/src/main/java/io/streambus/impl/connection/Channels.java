package io.streambus.impl.connection;

import io.streambus.BusOptions;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Makes {@link RedisChannel}s that share one client and the bus's reconnect settings, and can make them all reconnect
 * (after a Sentinel failover).
 */
public final class Channels {
  private final Vertx vertx;
  private final Redis client;
  private final BusOptions options;
  private final int selectDb;
  private final ClusterRoutes routes;
  /** {@code host:port} of every connection string, for messages: never the credentials some of them hold. */
  private final String addresses;
  /** Weak: a closed channel is forgotten once nothing else refers to it. */
  private final Set<RedisChannel> live = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  public Channels(Vertx vertx, Redis client, BusOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    boolean cluster = options.getTopology() == BusOptions.Topology.CLUSTER;
    this.selectDb = cluster ? 0 : database(options.getConnectionString());
    this.routes = cluster ? new ClusterRoutes(options.getKeyPrefix()) : null;
    this.addresses = String.join(", ", options.getConnectionStrings().stream().map(Channels::address).toList());
  }

  /** {@code host:port} of a connection string ({@code rediss://user:password@host:port/0}). */
  static String address(String connectionString) {
    try {
      URI uri = URI.create(connectionString);
      if (uri.getHost() != null) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
      }
    } catch (IllegalArgumentException e) {
      // validated by BusOptions before a bus exists; a string it let through is named without what precedes '@'
    }
    return connectionString.substring(connectionString.lastIndexOf('@') + 1);
  }

  /** The database number in a connection string's path ({@code redis://host:port/3}), 0 when absent. */
  public static int database(String connectionString) {
    try {
      String path = URI.create(connectionString).getPath();
      return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  public RedisChannel create(String name) {
    RedisChannel channel = new RedisChannel(vertx, client, name, selectDb, routes, addresses,
        options.getReconnectInitialMs(), options.getReconnectMaxMs());
    live.add(channel);
    return channel;
  }

  /** Drops every open connection: each channel reconnects on its next command, to wherever the client now points. */
  public void reconnectAll() {
    List<RedisChannel> all;
    synchronized (live) {
      all = new ArrayList<>(live);
    }
    all.forEach(RedisChannel::reset);
  }
}
