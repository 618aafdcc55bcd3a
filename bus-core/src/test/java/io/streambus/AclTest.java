package io.streambus;

import io.streambus.admin.TopicStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.DeadLetterFilter;
import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The least-privilege ACL users of docs/security.md, created on a real server: each role does its job with its own
 * permissions and is refused beyond them, and a wrong password fails fast and clearly. The rules here are the
 * documented ones, verbatim; keep the two in step.
 */
class AclTest extends BusTestBase {
  /** Every role: connect (HELLO, SELECT), health check, and the key layout under the prefix. */
  static final String COMMON = "-@all +hello +ping +select +exists +cluster|slots";
  // a producer trims the topics it publishes to (trim.lua reads the groups' positions to cut only what all have read,
  // and counts what it cut; with a retention it reads the server's TIME), and keeps the idempotency keys of a
  // partition (a hash and a sorted set, pruned and expired by publish_idempotent.lua)
  static final String PRODUCER = COMMON + " +hsetnx +hget +xadd +evalsha +eval +zadd +wait +xinfo|groups +xpending"
      + " +xtrim +incrby +time +hset +hdel +zrangebyscore +zrem +zscore +pexpire";
  static final String CONSUMER = COMMON + " +hsetnx +hget +xgroup|create +xgroup|delconsumer +xreadgroup +xack"
      + " +xclaim +xpending +xinfo|groups +xinfo|consumers +xlen +xrange +xadd +xtrim +incrby +zadd +zrem"
      + " +zrangebyscore +zscore +evalsha +eval +client|id +client|unblock +hset +hdel +hgetall +get +set"
      + " +pexpire +del +time +zmscore +zremrangebyscore";
  /** A consumer that projects into read models: the model writes project.lua may make, and TYPE for its checks. */
  static final String PROJECTOR = CONSUMER + " +type +hincrby +hincrbyfloat +incr +decr +decrby +incrbyfloat +append"
      + " +sadd +srem +zincrby +lpush +rpush +ltrim +expire +persist";
  /**
   * A producer that sends requests: its reply stream is read with XREAD and deleted on close (DEL); a responder is a
   * consumer (presence.lua, reply.lua use only the consumer's commands).
   */
  static final String REQUESTER = PRODUCER + " +xread +del";
  static final String DASHBOARD = COMMON + " +hkeys +hget +xinfo|stream +xinfo|groups +xinfo|consumers +xlen +zcard"
      + " +xrange +xrevrange +xpending +get +evalsha +eval";
  /** What the dashboard's dead-letter actions (replay, delete, purge) add. */
  static final String DEAD_LETTER_OPERATOR = DASHBOARD + " +xadd +xdel +xtrim";
  /** What a group reset ({@code BusAdmin.resetGroup}) adds to the dashboard's rules. */
  static final String GROUP_OPERATOR = DASHBOARD + " +hgetall +xgroup|setid +set +del";

  @BeforeEach
  void users() {
    redis.command("ACL", "LOG", "RESET");
    user("producer", PRODUCER);
    user("consumer", CONSUMER);
    user("projector", PROJECTOR);
    user("requester", REQUESTER);
    user("dashboard", DASHBOARD);
    user("operator", DEAD_LETTER_OPERATOR);
    user("groups", GROUP_OPERATOR);
  }

  private void user(String name, String rules) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", name, "reset", "on", ">" + name + "-secret",
        "~test:*", "resetchannels"));
    args.addAll(List.of(rules.split(" ")));
    redis.command(args.toArray(new String[0]));
  }

  private StreamBus as(String user) {
    return as(user, user + "-secret");
  }

  private StreamBus as(String user, String password) {
    // a retention of 1 ms trims what the groups acknowledged, as ACKED would, and needs the server's TIME
    return bus(busOptions().setConnectionString("redis://" + user + ":" + password + "@127.0.0.1:" + redis.port())
        .setTrimIntervalMs(200).setTrimPolicy(BusOptions.TrimPolicy.RETENTION).setRetentionMs(1));
  }

  @Test
  void eachRoleDoesItsJobWithItsOwnPermissions() {
    StreamBus producer = as("producer");
    StreamBus consumer = as("consumer");
    StreamBus dashboard = as("dashboard");
    AtomicInteger handled = new AtomicInteger();
    await(consumer.subscribe(topic, "g", m -> {
      handled.incrementAndGet();
      return m.json().getBoolean("poison") ? Future.failedFuture("poison") : Future.succeededFuture();
    }, fastConsumer().setMaxDeliveries(2)));
    for (int i = 0; i < 20; i++) {
      await(producer.publish(topic, new JsonObject().put("i", i).put("poison", i == 3)));
    }
    await(producer.publish(OutgoingMessage.json(topic, new JsonObject().put("poison", false))
        .delay(Duration.ofMillis(100))));
    OutgoingMessage once = OutgoingMessage.json(topic, new JsonObject().put("poison", false)).idempotencyKey("once");
    assertThat(await(producer.publish(once)).isDuplicate()).isFalse();
    assertThat(await(producer.publish(once)).isDuplicate()).isTrue();
    eventually(Duration.ofSeconds(10), () -> "1".equals(redis.command("XLEN", dlq(0))) && handled.get() == 23,
        "22 handled once, the poison twice and dead-lettered");
    eventually(Duration.ofSeconds(10), () -> "0".equals(redis.command("XLEN", stream(0))), "trimmed");

    TopicStats stats = await(dashboard.admin().topic(topic));
    assertThat(stats.deadLetters()).isEqualTo(1);
    assertThat(stats.groups()).extracting(GroupStats::name).containsExactly("g");
    assertThat(await(dashboard.admin().topics())).contains(topic);
    DeadLetter dead = await(dashboard.deadLetters(topic).list(null, 10)).items().get(0);
    assertThat(await(dashboard.deadLetters(topic).search(DeadLetterFilter.all().withGroup("g"), null, 10)).items())
        .containsExactly(dead);
    assertThat(await(as("operator").deadLetters(topic).replay(dead.ref()))).isNotNull();
    eventually(Duration.ofSeconds(10), () -> handled.get() >= 24, "replayed");
    eventually(Duration.ofSeconds(10), () -> handled.get() == 25 && "1".equals(redis.command("XLEN", dlq(0))),
        "the poison dead again");
    assertThat(await(as("operator").deadLetters(topic).replayAll(DeadLetterFilter.all(), null, 10)).replayed())
        .isEqualTo(1);
    eventually(Duration.ofSeconds(10), () -> handled.get() >= 26, "replayed in bulk");
    closeBuses(); // close too must stay within the permissions (CLIENT UNBLOCK, XGROUP DELCONSUMER)
    assertThat(redis.command("ACL", "LOG")).as("commands the server refused").isEmpty();
  }

  @Test
  void theDashboardReadsEntriesAndAGroupOperatorResetsAGroup() {
    StreamBus producer = bus();
    for (int i = 0; i < 5; i++) {
      await(producer.publish(topic, "m" + i));
    }
    redis.command("XGROUP", "CREATE", stream(0), "g", "0");
    List<io.streambus.admin.StreamEntry> entries = await(as("dashboard").admin().read(topic, 0, null, 10));
    assertThat(entries).hasSize(5);
    assertThat(await(as("dashboard").admin().entry(topic, 0, entries.get(2).id())).payload().toString())
        .isEqualTo("m2");
    // the stream browser: newest first, and who holds an entry
    assertThat(await(as("dashboard").admin().readBackward(topic, 0, null, 2))).extracting(e -> e.id())
        .containsExactly(entries.get(4).id(), entries.get(3).id());
    redis.command("XGROUP", "CREATE", stream(0), "h", "0");
    redis.command("XREADGROUP", "GROUP", "h", "c1", "COUNT", "1", "STREAMS", stream(0), ">");
    assertThat(await(as("dashboard").admin().deliveries(topic, 0, entries.get(0).id())))
        .extracting(d -> d.consumer()).containsExactly("c1");
    io.streambus.admin.GroupReset reset = await(as("groups").admin().resetGroup(topic, "g",
        io.streambus.admin.ResetPosition.latest(), false));
    assertThat(reset.applied()).isTrue();
    assertThat(reset.skipped()).isEqualTo(5);
    assertThat(redis.command("ACL", "LOG")).as("commands the server refused").isEmpty();
    // refused inside the reset's script, which the servers word as their own error rather than NOPERM (Redis: "The
    // user executing the script can't run this command"; Valkey: "ACL failure in script: ... no permissions")
    for (String user : List.of("dashboard", "operator")) {
      assertThat(awaitFailure(as(user).admin().resetGroup(topic, "g", io.streambus.admin.ResetPosition.earliest(),
          false))).as(user).hasMessageMatching("(?s).*(can't run this command|no permissions to run).*");
    }
    assertThat(redis.command("XINFO", "GROUPS", stream(0))).contains(entries.get(4).id());
    // those refusals were the point; what follows must add none
    redis.command("ACL", "LOG", "RESET");
    // pause and resume: the flag on each partition
    await(as("groups").admin().pauseGroup(topic, "g"));
    assertThat(await(as("dashboard").admin().topic(topic)).groups().get(0).paused()).isTrue();
    await(as("groups").admin().resumeGroup(topic, "g"));
    assertThat(await(as("dashboard").admin().topic(topic)).groups().get(0).paused()).isFalse();
    assertThat(redis.command("ACL", "LOG")).as("commands the server refused").isEmpty();
  }

  /** Every write a projection may make, and the checks before them, within the projector's permissions. */
  @Test
  void aProjectorMakesEveryAcceptedWriteWithItsOwnPermissions() {
    StreamBus producer = as("producer");
    StreamBus projector = as("projector");
    await(projector.project(topic, "model", (m, w) -> {
      String k = w.key("m");
      w.command("SET", k + ":s", "v", "PX", "600000").command("APPEND", k + ":s", "w").command("INCR", k + ":n")
          .incrby(k + ":n", 9).command("DECR", k + ":n").command("DECRBY", k + ":n", "3")
          .incrbyfloat(k + ":f", 2.5).hset(k + ":h", "a", "1").command("HSETNX", k + ":h", "b", "2")
          .hdel(k + ":h", "b").hincrby(k + ":h", "a", 1).hincrbyfloat(k + ":h", "c", 0.5)
          .sadd(k + ":set", "x", "y").srem(k + ":set", "y").zadd(k + ":z", 1, "m").zincrby(k + ":z", 5, "m")
          .zrem(k + ":z", "n").rpush(k + ":l", "a").command("LPUSH", k + ":l", "z").command("LTRIM", k + ":l", "0", "1")
          .command("EXPIRE", k + ":set", "600").expire(k + ":z", Duration.ofMinutes(10)).command("PERSIST", k + ":z")
          .set(k + ":gone", "1").del(k + ":gone");
      return Future.succeededFuture();
    }, fastConsumer()));
    await(producer.publish(topic, "x"));
    eventually(Duration.ofSeconds(10), () -> "6".equals(redis.command("GET", Topics.modelKey("test", topic, 0, "m:n"))),
        "projected");
    closeBuses();
    assertThat(redis.command("ACL", "LOG")).as("commands the server refused").isEmpty();
  }

  @Test
  void eachRoleIsRefusedBeyondItsPermissions() {
    await(as("producer").publish(topic, "registers the topic"));
    assertNoPermission(as("producer").subscribe(topic, "g", m -> Future.succeededFuture(), fastConsumer()));
    assertNoPermission(bus(busOptions().setKeyPrefix("other")
        .setConnectionString("redis://producer:producer-secret@127.0.0.1:" + redis.port())).publish(topic, "x"));
    assertNoPermission(as("dashboard").publish(topic, "x"));
    assertNoPermission(as("dashboard").deadLetters(topic).purge());
    assertNoPermission(as("consumer").admin().deleteGroup(topic, "g"));
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("1");
  }

  private static void assertNoPermission(Future<?> f) {
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(f);
    assertThat(System.currentTimeMillis() - started).as("ms to be refused").isLessThan(2_000);
    assertThat(e).hasMessageContaining("NOPERM");
  }

  @Test
  void aWrongPasswordFailsAtStartUpWithAClearErrorNotAHang() {
    StreamBus bus = as("producer", "wrong");
    long started = System.currentTimeMillis();
    Throwable e = awaitFailure(bus.ping());
    assertThat(System.currentTimeMillis() - started).as("ms to fail").isLessThan(2_000);
    assertThat(e).hasMessageContaining("WRONGPASS").hasMessageNotContaining("wrong@");
  }

  @Test
  void aRequesterAndAResponderWorkWithTheirRoles() {
    StreamBus responder = as("consumer");
    StreamBus requester = as("requester");
    Subscription sub = await(responder.respond(topic, "g",
        r -> Future.succeededFuture(OutgoingReply.text("re:" + r.text())), fastConsumer()));
    assertThat(await(requester.request(topic, "q")).text()).isEqualTo("re:q");
    await(sub.close()); // withdraws its presence
    assertThat(((BusException.RequestFailed) awaitFailure(requester.request(topic, "q"))).kind())
        .isEqualTo(BusException.RequestFailed.Kind.NO_RESPONDER);
    await(requester.close()); // deletes its reply stream
    assertThat(redis.command("ACL", "LOG")).as("commands the server refused").isEmpty();
  }
}
