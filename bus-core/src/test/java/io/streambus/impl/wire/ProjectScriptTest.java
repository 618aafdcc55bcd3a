package io.streambus.impl.wire;

import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * project.lua on its own, on a real server: the writes and the acknowledgement go together, once; nothing is written
 * for a consumer that does not hold the entry; and every check fails before the first write, so a refused step leaves
 * the model as it was and the entry pending.
 */
class ProjectScriptTest extends ScriptTestBase {
  private String id;

  @BeforeEach
  void entryPendingOnC() {
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
    id = redis.command("XADD", stream(0), "*", "payload", "x");
    redis.command("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", stream(0), ">");
    redis.command("HSET", members(), "c", "token-c|3000|" + (System.currentTimeMillis() + 60_000));
  }

  private String members() {
    return stream(0) + ":members:g";
  }

  private String model(String name) {
    return stream(0) + ":model:" + name;
  }

  /** A write: command, the model key it goes to, its arguments. */
  private static List<String> w(String command, String key, String... args) {
    List<String> l = new ArrayList<>();
    l.add(command);
    l.add(key);
    l.addAll(Arrays.asList(args));
    return l;
  }

  /** Runs project.lua as consumer c with these writes; the reply as text, e.g. [done, 2] or [invalid, why]. */
  @SafeVarargs
  private List<String> project(List<String>... writes) {
    return project(null, writes);
  }

  @SafeVarargs
  private List<String> project(String owner, List<String>... writes) {
    List<String> modelKeys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (List<String> write : writes) {
      String key = write.get(1);
      if (!modelKeys.contains(key)) {
        modelKeys.add(key);
      }
      args.add(write.get(0));
      args.add(String.valueOf(modelKeys.indexOf(key) + 1));
      args.add(String.valueOf(write.size() - 2));
      args.addAll(write.subList(2, write.size()));
    }
    ProjectScript.Reply r = await(new ProjectScript(stream(0), members(), owner, modelKeys, "g", "c", "token-c", id,
        args).run(channel, System.currentTimeMillis() + 5_000));
    List<String> out = new ArrayList<>(List.of(r.outcome().wire()));
    if (r.outcome() == Outcome.DONE) {
      out.add(String.valueOf(r.applied()));
    } else if (r.outcome() == Outcome.INVALID) {
      out.add(r.reason());
    }
    return out;
  }

  private boolean pendingOnC() {
    return redis.command("XPENDING", stream(0), "g", "-", "+", "10", "c").contains(id);
  }

  @Test
  void appliesTheWritesWithTheAcknowledgementOnceEvenWhenRunAgain() {
    List<String> hincr = w("HINCRBY", model("revenue"), "alice", "5");
    List<String> sadd = w("SADD", model("seen"), "alice");
    assertThat(project(hincr, sadd)).containsExactly("done", "2");
    assertThat(pendingOnC()).isFalse();
    // a run whose reply a dropped connection lost is sent again by the bus: it must apply nothing the second time
    assertThat(project(hincr, sadd)).containsExactly("settled");
    assertThat(redis.command("HGET", model("revenue"), "alice")).isEqualTo("5");
    assertThat(redis.command("SCARD", model("seen"))).isEqualTo("1");
  }

  @Test
  void aConsumerThatDoesNotHoldTheEntryWritesNothing() {
    redis.command("XCLAIM", stream(0), "g", "peer", "0", id);
    assertThat(project(w("HINCRBY", model("revenue"), "alice", "5"))).containsExactly("not_ours");
    redis.command("HSET", members(), "c", "another-process|3000|0");
    assertThat(project(w("HINCRBY", model("revenue"), "alice", "5"))).containsExactly("fenced");
    assertThat(redis.command("EXISTS", model("revenue"))).isEqualTo("0");
    redis.command("XACK", stream(0), "g", id);
    redis.command("XDEL", stream(0), id);
    redis.command("HSET", members(), "c", "token-c|3000|0");
    assertThat(project(w("HINCRBY", model("revenue"), "alice", "5"))).containsExactly("gone");
    assertThat(redis.command("EXISTS", model("revenue"))).isEqualTo("0");
  }

  @Test
  void withOrderedProcessingTheOwnerKeyMustNameThisSubscription() {
    String owner = stream(0) + ":owner:g";
    redis.command("SET", owner, "peer|token-p");
    assertThat(project(owner, w("HINCRBY", model("revenue"), "alice", "5"))).containsExactly("not_ours");
    redis.command("SET", owner, "c|token-c");
    assertThat(project(owner, w("HINCRBY", model("revenue"), "alice", "5"))).containsExactly("done", "1");
    assertThat(redis.command("HGET", model("revenue"), "alice")).isEqualTo("5");
  }

  /** Each refused step has a good write before the bad one: nothing of it is applied, and the entry stays pending. */
  @Test
  void everyCheckFailsBeforeTheFirstWrite() {
    redis.command("SET", model("a-string"), "x");
    redis.command("HSET", model("h"), "text", "abc", "big", "9100000000000000000", "float", "1.5");
    redis.command("ZADD", model("z"), "+inf", "top");
    List<String> good = w("HINCRBY", model("revenue"), "alice", "5");
    String[][] expected = {
        {"needs " + model("a-string") + " to be a hash, it is a string"},
        {"holds 'abc', not an integer"},
        {"would overflow"},
        {"is incremented by a float and an integer"},
        {"not a number"},
        {"would not be a number"},
        {"holds 'x', not an integer"},
        {"command FLUSHALL is not accepted"},
    };
    List<List<List<String>>> bad = List.of(
        List.of(good, w("HINCRBY", model("a-string"), "f", "1")),
        List.of(good, w("HINCRBY", model("h"), "text", "1")),
        List.of(good, w("HINCRBY", model("h"), "big", "200000000000000000")),
        List.of(good, w("HINCRBYFLOAT", model("h"), "new", "1.5"), w("HINCRBY", model("h"), "new", "1")),
        List.of(good, w("INCRBYFLOAT", model("a-string"), "1")),
        List.of(good, w("ZINCRBY", model("z"), "-inf", "top")),
        List.of(good, w("HSET", model("h2"), "f", "x"), w("HINCRBY", model("h2"), "f", "1")),
        List.of(good, w("FLUSHALL", model("x"))));
    for (int i = 0; i < bad.size(); i++) {
      @SuppressWarnings("unchecked")
      List<String>[] writes = bad.get(i).toArray(new List[0]);
      List<String> reply = project(writes);
      assertThat(reply).as("case %d", i).hasSize(2).startsWith("invalid");
      assertThat(reply.get(1)).as("case %d", i).contains(expected[i][0]);
    }
    assertThat(redis.command("EXISTS", model("revenue"), model("h2"))).isEqualTo("0");
    assertThat(redis.command("HGET", model("h"), "new")).isNull();
    assertThat(redis.command("GET", model("a-string"))).isEqualTo("x");
    assertThat(pendingOnC()).isTrue();
  }

  /** The checks follow the writes' own effects: a key deleted can change type, a field set to a number can grow. */
  @Test
  void theChecksFollowTheEffectsOfTheEarlierWritesOfTheStep() {
    redis.command("SET", model("k"), "x");
    redis.command("HSET", model("h"), "n", "abc");
    assertThat(project(
        w("DEL", model("k")), w("HINCRBY", model("k"), "f", "2"),
        w("HSET", model("h"), "n", "40"), w("HINCRBY", model("h"), "n", "2"),
        w("HINCRBYFLOAT", model("h"), "f", "0.5"), w("HINCRBYFLOAT", model("h"), "f", "0.25")))
        .containsExactly("done", "6");
    assertThat(redis.command("TYPE", model("k"))).isEqualTo("hash");
    assertThat(redis.command("HGET", model("k"), "f")).isEqualTo("2");
    assertThat(redis.command("HGET", model("h"), "n")).isEqualTo("42");
    assertThat(redis.command("HGET", model("h"), "f")).isEqualTo("0.75");
  }

  /** One step with every accepted command: the script's list and Redis agree, and each applies. */
  @Test
  void everyAcceptedCommandApplies() {
    assertThat(project(
        w("SET", model("s"), "v", "PX", "600000"), w("APPEND", model("s"), "w"),
        w("INCR", model("n")), w("INCRBY", model("n"), "9"), w("DECR", model("n")), w("DECRBY", model("n"), "3"),
        w("INCRBYFLOAT", model("f"), "2.5"),
        w("HSET", model("h"), "a", "1", "b", "2"), w("HSETNX", model("h"), "a", "9"), w("HDEL", model("h"), "b"),
        w("HINCRBY", model("h"), "a", "1"), w("HINCRBYFLOAT", model("h"), "c", "0.5"),
        w("SADD", model("set"), "x", "y"), w("SREM", model("set"), "y"),
        w("ZADD", model("z"), "GT", "CH", "1", "m", "2", "n"), w("ZINCRBY", model("z"), "5", "m"),
        w("ZREM", model("z"), "n"),
        w("RPUSH", model("l"), "a", "b", "c"), w("LPUSH", model("l"), "z"), w("LTRIM", model("l"), "0", "1"),
        w("EXPIRE", model("set"), "600"), w("PEXPIRE", model("z"), "600000"), w("PERSIST", model("z")),
        w("SET", model("gone"), "1"), w("DEL", model("gone"))))
        .containsExactly("done", "25");
    assertThat(redis.command("GET", model("s"))).isEqualTo("vw");
    assertThat(redis.command("GET", model("n"))).isEqualTo("6");
    assertThat(redis.command("GET", model("f"))).isEqualTo("2.5");
    assertThat(redis.command("HGETALL", model("h"))).isEqualTo("a\n2\nc\n0.5");
    assertThat(redis.command("SMEMBERS", model("set"))).isEqualTo("x");
    assertThat(redis.command("ZSCORE", model("z"), "m")).isEqualTo("6");
    assertThat(redis.command("ZCARD", model("z"))).isEqualTo("1");
    assertThat(redis.command("LRANGE", model("l"), "0", "-1")).isEqualTo("z\na");
    assertThat(Long.parseLong(redis.command("TTL", model("set")))).isBetween(1L, 600L);
    assertThat(redis.command("TTL", model("z"))).isEqualTo("-1");
    assertThat(redis.command("EXISTS", model("gone"))).isEqualTo("0");
  }
}
