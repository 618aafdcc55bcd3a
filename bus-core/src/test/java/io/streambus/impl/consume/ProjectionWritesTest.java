package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.ModelWrites;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a projection's writes refuse as they are added, without Redis: commands, arguments, keys. */
class ProjectionWritesTest {
  private final ProjectionWrites writes = new ProjectionWrites("bus", "orders", 3);

  private void refused(String reason, String command, String key, String... args) {
    ProjectionWrites w = new ProjectionWrites("bus", "orders", 3);
    assertThatThrownBy(() -> w.command(command, key, args)).isInstanceOf(BusException.InvalidWrite.class)
        .hasMessageContaining(reason);
    assertThat(w.refused()).contains(reason);
    assertThat(w.size()).isZero();
    // once refused, every later write is refused too: the message is dead-lettered whatever follows
    assertThatThrownBy(() -> w.hincrby(w.key("x"), "f", 1)).isInstanceOf(BusException.InvalidWrite.class);
  }

  @Test
  void keysMustCarryThePartitionsHashTagAndNotBeTheBuses() {
    String k = writes.key("revenue");
    assertThat(k).isEqualTo("bus:{orders:3}:model:revenue");
    assertThat(writes.hashTag()).isEqualTo("{orders:3}");
    writes.hincrby(k, "alice", 5).hincrby("my-layout:{orders:3}:totals", "alice", 1).sadd(k + ":set", "a");
    assertThat(writes.size()).isEqualTo(3);
    assertThat(writes.keys()).containsExactly(k, "my-layout:{orders:3}:totals", k + ":set");
    refused("it has none", "HSET", "revenue", "f", "v");
    refused("it has {orders:2}", "HSET", "bus:{orders:2}:model:revenue", "f", "v");
    // Redis's rule: the first {...} decides, and an empty one is no tag
    refused("it has {x}", "HSET", "{x}{orders:3}", "f", "v");
    refused("it has none", "HSET", "{}{orders:3}", "f", "v");
    refused("belongs to the bus", "DEL", "bus:{orders:3}");
    refused("belongs to the bus", "HSET", "bus:{orders:3}:members:g", "c", "x");
    refused("no key", "DEL", null);
    assertThatThrownBy(() -> writes.key("")).isInstanceOf(BusException.InvalidWrite.class);
  }

  @Test
  void onlyTheAcceptedCommandsWithWellFormedArguments() {
    String k = writes.key("m");
    writes.command("set", k, "v", "nx", "EX", "10").command("ZADD", k + "z", "GT", "CH", "1.5", "a", "-inf", "b")
        .zincrby(k + "z", Double.POSITIVE_INFINITY, "a").incrbyfloat(k + "f", 1e10).expire(k, Duration.ofSeconds(5));
    assertThat(writes.encoded()).startsWith("SET", "1", "4", "v", "nx", "EX", "10");
    assertThat(writes.encoded()).containsSequence("ZINCRBY", "2", "2", "inf", "a");
    refused("not accepted", "EVAL", k, "return 1", "0");
    refused("not accepted", "RENAME", k, "other");
    refused("not accepted", "GETDEL", k);
    refused("not an integer", "HINCRBY", k, "f", "1.5");
    refused("not an integer", "INCRBY", k, "007");
    refused("not a 64-bit integer", "INCRBY", k, "9223372036854775808");
    refused("would overflow", "DECRBY", k, "-9223372036854775808");
    refused("finite decimal", "HINCRBYFLOAT", k, "f", "inf");
    refused("finite decimal", "INCRBYFLOAT", k, "nan");
    refused("field value pairs", "HSET", k, "f");
    refused("SET option", "SET", k, "v", "GET");
    refused("SET option", "SET", k, "v", "EX", "1", "PX", "1");
    refused("not between 1", "SET", k, "v", "EX", "0");
    refused("not between 1", "PEXPIRE", k, "0");
    refused("do not go together", "ZADD", k, "NX", "GT", "1", "a");
    refused("score member pairs", "ZADD", k, "INCR", "1", "a");
    refused("score member pairs", "ZADD", k, "1");
    refused("not a finite decimal", "ZADD", k, "nan", "a");
    refused("takes 0 argument(s)", "DEL", k, "another-key");
    refused("null argument", "HSET", k, "f", null);
    refused("at most 1000", "SADD", k, Collections.nCopies(1_001, "m").toArray(String[]::new));
    ModelWrites w = new ProjectionWrites("bus", "orders", 3);
    assertThatThrownBy(() -> w.hincrbyfloat(w.key("m"), "f", Double.NaN)).isInstanceOf(BusException.InvalidWrite.class);
  }
}
