package io.streambus.impl;

import io.streambus.BusOptions.Topology;
import io.streambus.CredentialsProvider;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClusterConnectOptions;
import io.vertx.redis.client.RedisConnectOptions;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisSentinelConnectOptions;
import io.vertx.redis.client.RedisStandaloneConnectOptions;

/**
 * The bus's Redis client. With a {@link CredentialsProvider}, the client is given a supplier of connect options,
 * which vertx-redis-client asks before every connect: each connect (a reconnect included) authenticates with what
 * the provider answers then.
 */
final class RedisClients {
  private RedisClients() {
  }

  static Redis create(Vertx vertx, RedisOptions options, Topology topology, CredentialsProvider provider) {
    if (provider == null) {
      return Redis.createClient(vertx, options);
    }
    return switch (topology) {
      case STANDALONE -> Redis.createStandaloneClient(vertx, options,
          () -> provider.credentials().map(c -> with(new RedisStandaloneConnectOptions(options), c)));
      case CLUSTER -> Redis.createClusterClient(vertx, options,
          () -> provider.credentials().map(c -> with(new RedisClusterConnectOptions(options), c)));
      case SENTINEL -> Redis.createSentinelClient(vertx, options,
          () -> provider.credentials().map(c -> with(new RedisSentinelConnectOptions(options), c)));
    };
  }

  private static <T extends RedisConnectOptions> T with(T options, CredentialsProvider.Credentials credentials) {
    options.setUser(credentials.user()).setPassword(credentials.password());
    return options;
  }
}
