package io.streambus.impl.wire;

import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.BusTestBase;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trim.lua on its own: where it cuts, that a stream nobody has a group on is never trimmed, and that what it removes
 * is counted.
 */
class TrimScriptTest extends BusTestBase {
  private Redis client;
  private RedisChannel channel;

  @BeforeEach
  void connect() {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.uri()));
    channel = new Channels(vertx, client, busOptions()).create("trim test");
  }

  @AfterEach
  void disconnect() {
    await(channel.close());
    client.close();
  }

  private List<Long> trim(String mode, long maxLen) {
    Response r = await(Scripts.TRIM.run(channel, System.currentTimeMillis() + 5_000,
        List.of(stream(0), stream(0) + ":trimmed"), mode,
        maxLen));
    return List.of(r.get(0).toLong(), r.get(1).toLong());
  }

  @Test
  void withoutAGroupNothingIsTrimmedEvenUnderACap() {
    for (int i = 0; i < 5; i++) {
      redis.command("XADD", stream(0), "*", "payload", "m" + i);
    }
    assertThat(trim("acked", 0)).containsExactly(0L, 0L);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("5");
    assertThat(redis.command("EXISTS", trimmed())).as("no counter before anything is trimmed").isEqualTo("0");
    assertThat(trim("maxlen", 2)).containsExactly(0L, 3L);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("2");
    assertThat(redis.command("GET", trimmed())).isEqualTo("3");
  }

  @Test
  void cutsAtTheOldestEntryAnyGroupStillNeeds() {
    for (int i = 0; i < 6; i++) {
      redis.command("XADD", stream(0), "*", "payload", "m" + i);
    }
    redis.command("XGROUP", "CREATE", stream(0), "done", "$");
    redis.command("XGROUP", "CREATE", stream(0), "slow", "0");
    redis.command("XREADGROUP", "GROUP", "slow", "c", "COUNT", "2", "STREAMS", stream(0), ">");
    redis.command("XACK", stream(0), "slow",
        redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1").split("\n")[0]);
    // "slow" acknowledged the 1st and still holds the 2nd: the 2nd and everything after stays
    assertThat(trim("acked", 0)).containsExactly(1L, 0L);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("5");
    assertThat(trim("acked", 0)).containsExactly(0L, 0L);
    assertThat(redis.command("GET", trimmed())).as("every entry trimmed, counted once").isEqualTo("1");
  }

  private String trimmed() {
    return new Keys("test").trimmed(topic, 0);
  }

  @Test
  void aMissingStreamIsLeftAlone() {
    assertThat(trim("acked", 0)).containsExactly(0L, 0L);
    assertThat(redis.command("EXISTS", stream(0))).isEqualTo("0");
  }
}
