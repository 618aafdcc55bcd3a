package io.streambus.impl.wire;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ack.lua and the claims that feed its moved hash, on their own: the acknowledgement checks ids one by one only where
 * a claim moved them (or the membership lapsed), and must still never acknowledge an entry a peer took.
 */
class AckScriptTest extends ScriptTestBase {

  @BeforeEach
  void createTheGroup() {
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
  }

  /** A live member "a" (its membership runs a minute more) that read three entries. */
  private List<String> aHoldsThree() {
    return aHolds(3);
  }

  private List<String> aHolds(int n) {
    for (int i = 0; i < n; i++) {
      redis.command("XADD", stream(0), "*", "payload", "m" + i);
    }
    member("a", System.currentTimeMillis() + 60_000);
    String[] read = redis.command("XREADGROUP", "GROUP", "g", "a", "COUNT", String.valueOf(n), "STREAMS", stream(0),
        ">").split("\n");
    List<String> ids = new ArrayList<>();
    for (String line : read) {
      if (line.matches("\\d+-\\d+")) {
        ids.add(line);
      }
    }
    assertThat(ids).hasSize(n);
    return ids;
  }

  private void member(String name, long expiresAt) {
    redis.command("HSET", keys.members(topic, 0, "g"), name, "tok-" + name + "|500|none|" + expiresAt);
  }

  /** ack.lua as member {@code name}: its outcome, then with DONE acked, trimmed, ids not ours... as text. */
  private List<String> ack(String name, List<String> ids) {
    return ack(name, ids, null);
  }

  private List<String> ack(String name, List<String> ids, String owner) {
    AckScript.Reply r = await(new AckScript(stream(0), keys.members(topic, 0, "g"), keys.moved(topic, 0, "g"), owner,
        "g", name, "tok-" + name, System.currentTimeMillis(), ids).run(channel, System.currentTimeMillis() + 5_000));
    if (r.outcome() != Outcome.DONE) {
      assertThat(r.acked() + r.trimmed() + r.notOurs().size()).isZero();
      return List.of(r.outcome().wire());
    }
    List<String> out = new ArrayList<>(List.of(String.valueOf(r.acked()), String.valueOf(r.trimmed())));
    out.addAll(r.notOurs());
    return out;
  }

  /** claim.lua 'stale' as member {@code name}, min idle 0: takes whatever is pending on others. */
  private void claimStale(String name) {
    await(new ClaimScript(stream(0), keys.retries(topic, 0, "g"), keys.moved(topic, 0, "g"),
        keys.claimRecord(topic, 0, "tok-" + name, System.nanoTime()), "g", name, ClaimScript.Mode.STALE, 10,
        System.currentTimeMillis(), 0, null, 5_000, List.of())
        .run(channel, System.currentTimeMillis() + 5_000));
  }

  private int pendingOn(String consumer) {
    String reply = redis.command("XPENDING", stream(0), "g", "-", "+", "10", consumer);
    return reply.isEmpty() ? 0 : reply.split("\n").length / 4;
  }

  @Test
  void aLiveHoldersAcknowledgementOfUnmovedIdsNeedsNoCheckOfItsOwn() {
    List<String> ids = aHoldsThree();
    assertThat(ack("a", ids)).containsExactly("3", "0");
    assertThat(pendingOn("a")).isZero();
    assertThat(redis.command("EXISTS", keys.moved(topic, 0, "g"))).isEqualTo("0");
  }

  @Test
  void anEntryAPeerClaimedIsNotAcknowledgedByItsFormerHolderAlthoughItsMembershipIsLive() {
    List<String> ids = aHoldsThree();
    member("b", System.currentTimeMillis() + 60_000);
    claimStale("b");
    assertThat(pendingOn("b")).isEqualTo(3);
    assertThat(redis.command("ZSCORE", keys.moved(topic, 0, "g"), ids.get(1))).as("recorded as moved").isNotNull();

    List<String> reply = ack("a", ids);

    assertThat(reply.subList(0, 2)).containsExactly("0", "0");
    assertThat(reply.subList(2, reply.size())).containsExactlyElementsOf(ids);
    assertThat(pendingOn("b")).as("the peer's entries stay pending on the peer").isEqualTo(3);
    // the peer's own acknowledgement is checked one by one (moved ids), goes through, and forgets them
    assertThat(ack("b", ids)).containsExactly("3", "0");
    assertThat(redis.command("ZCARD", keys.moved(topic, 0, "g"))).isEqualTo("0");
  }

  @Test
  void withoutTheMovedHashTheSameAcknowledgementWouldTakeThePeersEntries() {
    // what the moved hash prevents: the fast path trusts a live membership (this fails if ack.lua checked every id)
    List<String> ids = aHoldsThree();
    member("b", System.currentTimeMillis() + 60_000);
    claimStale("b");
    redis.command("DEL", keys.moved(topic, 0, "g"));
    assertThat(ack("a", ids)).containsExactly("3", "0");
    assertThat(pendingOn("b")).isZero();
  }

  @Test
  void batchesLargerThanOneCallTakesAreSplitOnBothPaths() {
    // Lua's unpack takes some thousands of values at most: ack batches are not bounded that low
    List<String> ids = aHolds(1_200);
    member("b", System.currentTimeMillis() + 60_000);
    claimStale("b"); // takes the 10 oldest
    List<String> reply = ack("a", ids);
    assertThat(reply.subList(0, 2)).containsExactly("1190", "0");
    assertThat(reply.subList(2, reply.size())).containsExactlyElementsOf(ids.subList(0, 10));
    redis.command("DEL", keys.moved(topic, 0, "g"));
    assertThat(ack("b", ids.subList(0, 10))).containsExactly("10", "0");
    List<String> more = aHolds(1_200);
    assertThat(ack("a", more)).containsExactly("1200", "0");
  }

  @Test
  void aLapsedMembershipChecksEveryId() {
    List<String> ids = aHoldsThree();
    member("b", System.currentTimeMillis() + 60_000);
    claimStale("b");
    redis.command("DEL", keys.moved(topic, 0, "g"));
    member("a", System.currentTimeMillis() - 1);
    List<String> reply = ack("a", ids);
    assertThat(reply.subList(0, 2)).containsExactly("0", "0");
    assertThat(reply.subList(2, reply.size())).containsExactlyElementsOf(ids);
    assertThat(pendingOn("b")).isEqualTo(3);
  }

  @Test
  void anIdAcknowledgedAlreadyOrTrimmedCountsAsNothingToSettle() {
    List<String> ids = aHoldsThree();
    redis.command("XACK", stream(0), "g", ids.get(0));
    assertThat(ack("a", ids)).containsExactly("2", "1");
  }

  @Test
  void aConsumerNameTakenOverByAnotherProcessAcknowledgesNothing() {
    List<String> ids = aHoldsThree();
    redis.command("HSET", keys.members(topic, 0, "g"), "a", "tok-other|500|none|" + (System.currentTimeMillis()
        + 60_000));
    assertThat(ack("a", ids)).containsExactly("fenced");
    assertThat(pendingOn("a")).isEqualTo(3);
  }

  @Test
  void withOrderedProcessingOnlyTheOwnerAcknowledges() {
    List<String> ids = aHoldsThree();
    String owner = keys.owner(topic, 0, "g");
    redis.command("SET", owner, "peer|tok-peer");
    assertThat(ack("a", ids, owner)).containsExactly("not_ours");
    assertThat(pendingOn("a")).isEqualTo(3);
    redis.command("SET", owner, "a|tok-a");
    assertThat(ack("a", ids, owner)).containsExactly("3", "0");
  }
}
