package io.streambus.impl.wire;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * redeliver.lua on its own, one test per outcome: an ordered subscription delivers a failed message again in place
 * only while it holds the consumer name, owns the partition and still has the entry pending; the delivery is counted.
 */
class RedeliverScriptTest extends ScriptTestBase {

  @BeforeEach
  void createTheGroup() {
    redis.command("XGROUP", "CREATE", stream(0), "g", "$", "MKSTREAM");
  }

  /** Member {@code name} (its token {@code tok-<name>}) read one entry and owns the partition; the entry's id. */
  private String readByOwner(String name) {
    String id = redis.command("XADD", stream(0), "*", "payload", "m");
    redis.command("HSET", keys.members(topic, 0, "g"), name,
        "tok-" + name + "|500|none|" + (System.currentTimeMillis() + 60_000));
    redis.command("XREADGROUP", "GROUP", "g", name, "COUNT", "1", "STREAMS", stream(0), ">");
    redis.command("SET", keys.owner(topic, 0, "g"), name + "|tok-" + name, "PX", "60000");
    return id;
  }

  private RedeliverScript.Reply redeliver(String name, String token, String id) {
    return await(new RedeliverScript(stream(0), keys.members(topic, 0, "g"), keys.owner(topic, 0, "g"), "g", name,
        token, id).run(channel, System.currentTimeMillis() + 5_000));
  }

  private long deliveries(String id) {
    String pending = redis.command("XPENDING", stream(0), "g", id, id, "1");
    return Long.parseLong(pending.split("\n")[3].trim());
  }

  @Test
  void theHolderThatOwnsThePartitionGetsTheEntryAgainAndTheDeliveryIsCounted() {
    String id = readByOwner("a");
    RedeliverScript.Reply r = redeliver("a", "tok-a", id);
    assertThat(r.outcome()).isEqualTo(Outcome.DONE);
    assertThat(r.deliveries()).isEqualTo(2);
    assertThat(r.fields().get("payload").toString()).isEqualTo("m");
    assertThat(deliveries(id)).isEqualTo(2);
  }

  @Test
  void aSubscriptionWhoseNameWasTakenOverIsFencedAndCountsNothing() {
    String id = readByOwner("a");
    assertThat(redeliver("a", "tok-stale", id).outcome()).isEqualTo(Outcome.FENCED);
    assertThat(deliveries(id)).isEqualTo(1);
  }

  @Test
  void anEntryOrAPartitionThatIsNotOursAnyMoreIsNotRedelivered() {
    String id = readByOwner("a");
    // another member owns the partition now
    redis.command("SET", keys.owner(topic, 0, "g"), "b|tok-b", "PX", "60000");
    assertThat(redeliver("a", "tok-a", id).outcome()).isEqualTo(Outcome.NOT_OURS);
    // the partition is ours again, but a peer claimed the entry
    redis.command("SET", keys.owner(topic, 0, "g"), "a|tok-a", "PX", "60000");
    redis.command("XCLAIM", stream(0), "g", "b", "0", id);
    assertThat(redeliver("a", "tok-a", id).outcome()).isEqualTo(Outcome.NOT_OURS);
    assertThat(deliveries(id)).isEqualTo(2);
  }

  @Test
  void anEntryGoneFromTheStreamIsGone() {
    String id = readByOwner("a");
    redis.command("XDEL", stream(0), id);
    assertThat(redeliver("a", "tok-a", id).outcome()).isEqualTo(Outcome.GONE);
  }
}
