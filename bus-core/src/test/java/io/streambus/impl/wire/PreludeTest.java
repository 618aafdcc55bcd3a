package io.streambus.impl.wire;

import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The prelude every script runs after (prelude.lua), each function once, on a real server, through scripts of a few
 * lines; and the one decoding of the replies' outcomes, which refuses a reply of any other shape.
 */
class PreludeTest extends ScriptTestBase {

  /** Runs {@code body} after the prelude with these keys and arguments. */
  private Response run(String body, List<String> keys, String... args) {
    Script script = new Script("test", body);
    return await(script.run(channel, System.currentTimeMillis() + 5_000, r -> {
      r.arg(keys.size());
      keys.forEach(r::arg);
      for (String a : args) {
        r.arg(a);
      }
    }));
  }

  private Outcome outcome(String body, List<String> keys, String... args) {
    return new Script("test", body).outcome(run(body, keys, args), EnumSet.allOf(Outcome.class));
  }

  private static final String CHECKS = """
      local _, fenced = membership(KEYS[1], ARGV[1], ARGV[2])
      if fenced then
        return {FENCED}
      end
      if not owns(KEYS[2], ARGV[1], ARGV[2]) then
        return {NOT_OURS}
      end
      return {DONE}
      """;

  @Test
  void theTokenCheckFencesAConsumerWhoseNameAnotherProcessHolds() {
    String members = stream(0) + ":members:g";
    List<String> keys = List.of(members);
    assertThat(outcome(CHECKS, keys, "c", "tok")).as("no membership yet (joining)").isEqualTo(Outcome.DONE);
    redis.command("HSET", members, "c", "tok|500|none|" + (System.currentTimeMillis() + 60_000));
    assertThat(outcome(CHECKS, keys, "c", "tok")).isEqualTo(Outcome.DONE);
    assertThat(outcome(CHECKS, keys, "c", "tok-other")).isEqualTo(Outcome.FENCED);
    // a lapsed membership still names its holder: the name is not this process's
    redis.command("HSET", members, "c", "tok-other|500|none|0");
    assertThat(outcome(CHECKS, keys, "c", "tok")).isEqualTo(Outcome.FENCED);
    assertThat(run("local current = membership(KEYS[1], ARGV[1], ARGV[2]) return {DONE, current}", keys, "c", "x")
        .get(1).toString()).isEqualTo("tok-other|500|none|0");
  }

  @Test
  void theOwnerCheckPassesOnlyTheSubscriptionTheOwnerKeyNames() {
    String members = stream(0) + ":members:g";
    String owner = stream(0) + ":owner:g";
    List<String> keys = List.of(members, owner);
    assertThat(outcome(CHECKS, keys, "c", "tok")).as("nobody owns it").isEqualTo(Outcome.NOT_OURS);
    redis.command("SET", owner, "c|tok-other");
    assertThat(outcome(CHECKS, keys, "c", "tok")).as("this name, another process").isEqualTo(Outcome.NOT_OURS);
    redis.command("SET", owner, "peer|tok");
    assertThat(outcome(CHECKS, keys, "c", "tok")).isEqualTo(Outcome.NOT_OURS);
    redis.command("SET", owner, "c|tok");
    assertThat(outcome(CHECKS, keys, "c", "tok")).isEqualTo(Outcome.DONE);
    assertThat(outcome(CHECKS, List.of(members), "c", "tok")).as("no owner key: unordered").isEqualTo(Outcome.DONE);
  }

  private static final String CLAIM = """
      local fields = claimEntry(KEYS[1], 'g', KEYS[2], ARGV[1], ARGV[2], 0, ARGV[3])
      return {DONE, fields or false}
      """;

  @Test
  void claimingRecordsTheMoveOnlyWhenTheEntryChangesConsumerAndAcknowledgesAGoneEntry() {
    String moved = stream(0) + ":moved:g";
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
    String first = redis.command("XADD", stream(0), "*", "payload", "one");
    String second = redis.command("XADD", stream(0), "*", "payload", "two");
    redis.command("XREADGROUP", "GROUP", "g", "b", "COUNT", "2", "STREAMS", stream(0), ">");
    List<String> keys = List.of(stream(0), moved);

    Response taken = run(CLAIM, keys, "a", "b", first);
    assertThat(EntryCodec.text(EntryCodec.fields(taken.get(1)), "payload")).isEqualTo("one");
    assertThat(redis.command("ZSCORE", moved, first)).as("moved from b to a").isNotNull();
    long ttl = Long.parseLong(redis.command("PTTL", moved));
    assertThat(ttl).isBetween(1L, 3_600_000L);
    assertThat(redis.command("XPENDING", stream(0), "g", first, first, "1", "a")).contains(first);

    run(CLAIM, keys, "a", "a", first);
    assertThat(redis.command("ZCARD", moved)).as("claimed by its own holder: no move").isEqualTo("1");

    redis.command("XDEL", stream(0), second);
    assertThat(run(CLAIM, keys, "a", "b", second).get(1)).as("gone").isNull();
    assertThat(redis.command("XPENDING", stream(0), "g", second, second, "1")).as("acknowledged").isEmpty();
  }

  @Test
  void theCountAfterAnIdStopsAtItsCap() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_005; i++) {
      ids.add(redis.command("XADD", stream(0), "*", "payload", "m" + i));
    }
    String count = "return {DONE, countAfter(KEYS[1], ARGV[1], tonumber(ARGV[2]))}";
    assertThat(run(count, List.of(stream(0)), ids.get(0), "10000").get(1).toLong()).isEqualTo(1_004);
    assertThat(run(count, List.of(stream(0)), ids.get(1_004), "10000").get(1).toLong()).isZero();
    assertThat(run(count, List.of(stream(0)), "0-0", "7").get(1).toLong()).isEqualTo(7);
    // up to an id (inclusive): across the first batch of 1,000, and within it
    String between = "return {DONE, countAfter(KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3])}";
    assertThat(run(between, List.of(stream(0)), ids.get(0), "10000", ids.get(1_003)).get(1).toLong())
        .isEqualTo(1_003);
    assertThat(run(between, List.of(stream(0)), ids.get(2), "10000", ids.get(5)).get(1).toLong()).isEqualTo(3);
    assertThat(run(between, List.of(stream(0)), ids.get(2), "2", ids.get(5)).get(1).toLong()).isEqualTo(2);
  }

  @Test
  void theGroupsOfAStreamComeWithTheirLastDeliveredIds() {
    String id = redis.command("XADD", stream(0), "*", "payload", "x");
    redis.command("XGROUP", "CREATE", stream(0), "read", "$");
    redis.command("XGROUP", "CREATE", stream(0), "fresh", "0");
    Response r = run("""
        local out = {DONE}
        for _, g in ipairs(groupsOf(KEYS[1])) do
          out[#out + 1] = g[1] .. '=' .. g[2]
        end
        return out
        """, List.of(stream(0)));
    List<String> groups = new ArrayList<>();
    for (int i = 1; i < r.size(); i++) {
      groups.add(r.get(i).toString());
    }
    assertThat(groups).containsExactlyInAnyOrder("read=" + id, "fresh=0-0");
  }

  @Test
  void aReplayedDeadLetterKeepsItsOriginalFieldsForTheGroupThatFailedIt() {
    String dlq = stream(0) + ":dlq";
    String dead = redis.command("XADD", dlq, "*", "payload", "p", "h:trace", "t", "x-target-group", "old",
        "dl:group", "g", "dl:error", "boom");
    String body = """
        local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
        return {DONE, replayDeadLetter(KEYS[1], KEYS[2], ARGV[1], e[2], ARGV[2] ~= '' and ARGV[2] or nil)}
        """;
    String id = run(body, List.of(dlq, stream(0)), dead, "g").get(1).toString();
    assertThat(redis.command("XRANGE", stream(0), id, id)).isEqualTo(id
        + "\npayload\np\nh:trace\nt\nx-target-group\ng");
    assertThat(redis.command("XLEN", dlq)).isEqualTo("0");

    String unmarked = redis.command("XADD", dlq, "*", "payload", "q");
    String id2 = run(body, List.of(dlq, stream(0)), unmarked, "").get(1).toString();
    assertThat(redis.command("XRANGE", stream(0), id2, id2)).isEqualTo(id2 + "\npayload\nq");
  }

  @Test
  void redisClockInMilliseconds() {
    long before = System.currentTimeMillis();
    long now = run("return {DONE, nowMs()}", List.of()).get(1).toLong();
    // the server runs on this machine: its clock is this one
    assertThat(now).isBetween(before - 1_000, System.currentTimeMillis() + 1_000);
  }

  @Test
  void aReplyOfAnotherShapeIsRefusedNamingTheScriptAndWhatItReplied() {
    for (String body : List.of("return 42", "return 'done'", "return {}", "return {42}", "return {'nope'}",
        "return {false, 'done'}")) {
      Script script = new Script("odd", body);
      Response r = run(body, List.of());
      assertThatThrownBy(() -> script.outcome(r, EnumSet.allOf(Outcome.class))).as(body)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("odd.lua replied ")
          .hasMessageContaining("expected {outcome, data...}");
    }
    Script script = new Script("odd", "return {NOT_OURS}");
    Response notOurs = run("return {NOT_OURS}", List.of());
    assertThatThrownBy(() -> script.outcome(notOurs, EnumSet.of(Outcome.DONE)))
        .as("an outcome the script never answers").isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("an outcome of [DONE]");
    // a known outcome without the data it needs
    Response bare = run("return {DONE}", List.of());
    assertThatThrownBy(() -> AckScript.reply(bare)).isInstanceOf(IllegalStateException.class)
        .hasMessage("ack.lua replied " + bare.type() + " " + bare + ": DONE needs 2 data element(s)");
  }

  @Test
  void everyScriptLoadsWithThePreludeAndTheShaOfTheCombinedText() {
    // EVALSHA of the combined text: the first run loads it (NOSCRIPT, then EVAL), the second finds it cached
    String body = "return {DONE, 'ok'}";
    assertThat(run(body, List.of()).get(1).toString()).isEqualTo("ok");
    assertThat(redis.command("SCRIPT", "EXISTS", new Script("test", body).sha())).isEqualTo("1");
  }
}
