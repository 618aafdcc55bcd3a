package io.streambus.impl.wire;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trim.lua on its own: where it cuts, that a stream nobody has a group on is never trimmed, and that what it removes
 * is counted.
 */
class TrimScriptTest extends ScriptTestBase {

  private List<Long> trim(String mode, long maxLen) {
    TrimScript.Reply r = await(new TrimScript(stream(0), stream(0) + ":trimmed",
        TrimScript.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), maxLen)
        .run(channel, System.currentTimeMillis() + 5_000));
    return List.of(r.safe(), r.dropped());
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

  /** Five entries stamped ten minutes ago (ids must grow, so they come first), then three of now; their ids. */
  private String[] oldThenNew() {
    long old = System.currentTimeMillis() - 600_000;
    String[] ids = new String[8];
    for (int i = 0; i < 5; i++) {
      ids[i] = redis.command("XADD", stream(0), (old + i) + "-0", "payload", "old" + i);
    }
    for (int i = 5; i < 8; i++) {
      ids[i] = redis.command("XADD", stream(0), "*", "payload", "new" + i);
    }
    return ids;
  }

  @Test
  void retentionKeepsWhatIsYoungerThanTheWindowEvenWhenAcknowledged() {
    String[] ids = oldThenNew();
    redis.command("XGROUP", "CREATE", stream(0), "done", "$"); // everything delivered, nothing pending
    assertThat(trim("retention", 60_000)).containsExactly(5L, 0L);
    assertThat(redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1")).startsWith(ids[5] + "\n");
    assertThat(trim("retention", 60_000)).containsExactly(0L, 0L);
    assertThat(redis.command("XLEN", stream(0))).isEqualTo("3");
    assertThat(redis.command("GET", trimmed())).isEqualTo("5");
  }

  @Test
  void retentionKeepsWhatAGroupStillNeedsWhateverItsAge() {
    String[] ids = oldThenNew();
    redis.command("XGROUP", "CREATE", stream(0), "done", "$");
    // "slow" was delivered the first three and acknowledged the first two: it still needs the third
    redis.command("XGROUP", "CREATE", stream(0), "slow", "0");
    redis.command("XREADGROUP", "GROUP", "slow", "c", "COUNT", "3", "STREAMS", stream(0), ">");
    redis.command("XACK", stream(0), "slow", ids[0], ids[1]);
    // "late" was delivered and acknowledged the first four, and not yet delivered the fifth
    redis.command("XGROUP", "CREATE", stream(0), "late", ids[3]);
    assertThat(trim("retention", 60_000)).containsExactly(2L, 0L);
    assertThat(redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1")).startsWith(ids[2] + "\n");
    redis.command("XACK", stream(0), "slow", ids[2]);
    redis.command("XREADGROUP", "GROUP", "slow", "c", "STREAMS", stream(0), ">");
    redis.command("XACK", stream(0), "slow", ids[3], ids[4], ids[5], ids[6], ids[7]);
    assertThat(trim("retention", 60_000)).as("up to what \"late\" was not delivered").containsExactly(2L, 0L);
    assertThat(redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1")).startsWith(ids[4] + "\n");
  }

  @Test
  void retentionWithoutAGroupTrimsByTimeAlone() {
    String[] ids = oldThenNew();
    assertThat(trim("retention", 600_000 + 60_000)).as("a longer retention keeps them all").containsExactly(0L, 0L);
    assertThat(trim("retention", 60_000)).containsExactly(5L, 0L);
    assertThat(redis.command("XRANGE", stream(0), "-", "+", "COUNT", "1")).startsWith(ids[5] + "\n");
  }

  @Test
  void aMissingStreamIsLeftAlone() {
    assertThat(trim("acked", 0)).containsExactly(0L, 0L);
    assertThat(redis.command("EXISTS", stream(0))).isEqualTo("0");
  }
}
