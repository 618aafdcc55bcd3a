package io.streambus.impl.wire;

import io.streambus.BusTestBase;
import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A script's test on its own: a channel to the test's Redis, as the bus's units send scripts through one. */
abstract class ScriptTestBase extends BusTestBase {
  protected final Keys keys = new Keys("test");
  private Redis client;
  protected RedisChannel channel;

  @BeforeEach
  void connect() {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.uri()));
    channel = new Channels(vertx, client, busOptions()).create(getClass().getSimpleName());
  }

  @AfterEach
  void disconnect() {
    await(channel.close());
    client.close();
  }
}
