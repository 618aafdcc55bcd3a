package io.streambus.impl.wire;

import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * claim.lua on its own, sent again as the bus sends a step whose reply a dropped connection lost: the same request
 * answers what its first run took and counts no second delivery; the reader's 'lost' mode takes back only what a
 * lost read handed over, without counting; a due claim leaves alone what the claiming subscription holds.
 */
class ClaimScriptTest extends ScriptTestBase {

  @BeforeEach
  void createTheGroup() {
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
  }

  private List<String> add(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(redis.command("XADD", stream(0), "*", "payload", "m" + i));
    }
    return ids;
  }

  private void read(String consumer, int n) {
    redis.command("XREADGROUP", "GROUP", "g", consumer, "COUNT", String.valueOf(n), "STREAMS", stream(0), ">");
  }

  private ClaimScript claim(String record, ClaimScript.Mode mode, String after, List<String> held) {
    return new ClaimScript(stream(0), keys.retries(topic, 0, "g"), keys.moved(topic, 0, "g"),
        keys.claimRecord(topic, 0, "tok", Long.parseLong(record)), "g", "a", mode, 10, System.currentTimeMillis(), 0,
        after, 5_000, held);
  }

  private List<String> run(ClaimScript c) {
    Replies.Claimed r = await(c.run(channel, System.currentTimeMillis() + 5_000));
    List<String> out = new ArrayList<>();
    r.entries().forEach(e -> out.add(e.id() + "/" + e.deliveries()));
    return out;
  }

  /** Redis's delivery count of {@code id}. */
  private long deliveryCount(String id) {
    List<?> p = (List<?>) redis.commandRaw("XPENDING", stream(0), "g", id, id, "1");
    return (Long) ((List<?>) p.get(0)).get(3);
  }

  @Test
  void anOwnClaimSentAgainAnswersWhatItTookWithoutCountingAgain() {
    List<String> ids = add(2);
    read("a", 2);
    ClaimScript own = claim("1", ClaimScript.Mode.OWN, null, List.of());
    assertThat(run(own)).containsExactly(ids.get(0) + "/2", ids.get(1) + "/2");
    assertThat(run(own)).as("the same request, sent again").containsExactly(ids.get(0) + "/2", ids.get(1) + "/2");
    assertThat(deliveryCount(ids.get(0))).isEqualTo(2);
    assertThat(run(claim("2", ClaimScript.Mode.OWN, null, List.of()))).as("a new request counts")
        .containsExactly(ids.get(0) + "/3", ids.get(1) + "/3");
  }

  @Test
  void aDueClaimSentAgainAnswersTheRetryItTook() {
    String id = add(1).get(0);
    read("a", 1);
    redis.command("ZADD", keys.retries(topic, 0, "g"), "0", id);
    ClaimScript due = claim("1", ClaimScript.Mode.DUE, null, List.of());
    assertThat(run(due)).containsExactly(id + "/2");
    assertThat(run(due)).as("the same request, sent again").containsExactly(id + "/2");
    assertThat(deliveryCount(id)).isEqualTo(2);
  }

  @Test
  void aDueClaimLeavesAloneARetryTheSubscriptionStillHolds() {
    String id = add(1).get(0);
    read("a", 1);
    redis.command("ZADD", keys.retries(topic, 0, "g"), "0", id);
    assertThat(run(claim("1", ClaimScript.Mode.DUE, null, List.of(id)))).isEmpty();
    assertThat(redis.command("ZSCORE", keys.retries(topic, 0, "g"), id)).isEqualTo("0");
    assertThat(deliveryCount(id)).isEqualTo(1);
  }

  @Test
  void theLostModeTakesBackOnlyWhatALostReadHandedOverWithoutCounting() {
    List<String> ids = add(4);
    read("a", 1); // brought by a read whose reply arrived: the reader's newest id
    read("b", 1); // another consumer's
    read("a", 2); // the lost read
    redis.command("ZADD", keys.retries(topic, 0, "g"), "0", ids.get(3)); // waiting for its retry
    assertThat(run(claim("1", ClaimScript.Mode.LOST, ids.get(0), List.of()))).containsExactly(ids.get(2) + "/1");
    assertThat(deliveryCount(ids.get(2))).isEqualTo(1);
    assertThat(deliveryCount(ids.get(0))).isEqualTo(1);
    assertThat(run(claim("2", ClaimScript.Mode.LOST, ids.get(0), List.of(ids.get(2))))).as("held: left alone")
        .isEmpty();
    // claimed once more (its count is 2 now): not what a lost read handed over
    run(claim("3", ClaimScript.Mode.OWN, null, List.of(ids.get(0))));
    assertThat(run(claim("4", ClaimScript.Mode.LOST, ids.get(0), List.of()))).isEmpty();
  }
}
