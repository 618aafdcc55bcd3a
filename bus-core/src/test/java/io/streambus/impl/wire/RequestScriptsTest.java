package io.streambus.impl.wire;

import io.streambus.OutgoingMessage;
import io.streambus.OutgoingReply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scripts of requests on their own, one test per outcome: request.lua, reply.lua, inbox.lua, presence.lua. */
class RequestScriptsTest extends ScriptTestBase {

  private static long deadline() {
    return System.currentTimeMillis() + 5_000;
  }

  private String presence() {
    return stream(0) + ":responders";
  }

  private long redisNowMs() {
    String[] t = redis.command("TIME").split("\n");
    return Long.parseLong(t[0].trim()) * 1000 + Long.parseLong(t[1].trim()) / 1000;
  }

  private String request(String payload) {
    List<Object> fields = EntryCodec.encode(OutgoingMessage.text(topic, payload), Map.of(ReplyCodec.REQUEST_ID, "r1"));
    return await(new RequestScript(stream(0), presence(), fields).run(channel, deadline()));
  }

  @Test
  void aRequestIsStoredOnlyWhileAResponderIsPresent() {
    assertThat(request("nobody")).as("no presence set").isNull();
    assertThat(redis.command("EXISTS", stream(0))).isEqualTo("0");

    redis.command("ZADD", presence(), Long.toString(redisNowMs() - 1), "g|lapsed");
    assertThat(request("lapsed")).as("only a lapsed member").isNull();
    assertThat(redis.command("EXISTS", stream(0))).isEqualTo("0");

    await(new PresenceScript(presence(), "g|c1", 5_000).run(channel, deadline()));
    String id = request("served");
    assertThat(id).isNotNull();
    assertThat(redis.command("XRANGE", stream(0), "-", "+")).contains(id).contains("served")
        .contains("h:" + ReplyCodec.REQUEST_ID).contains("r1");
  }

  @Test
  void aPresenceIsRenewedForItsTimeToLiveAndWithdrawnAndLapsedMembersAreForgotten() {
    redis.command("ZADD", presence(), Long.toString(redisNowMs() - 10), "g|dead");
    long before = redisNowMs();
    await(new PresenceScript(presence(), "g|c1", 5_000).run(channel, deadline()));
    long score = (long) Double.parseDouble(redis.command("ZSCORE", presence(), "g|c1"));
    assertThat(score).isBetween(before + 5_000, redisNowMs() + 5_000);
    assertThat(redis.command("ZSCORE", presence(), "g|dead")).as("the lapsed member forgotten").isNull();
    assertThat(Long.parseLong(redis.command("PTTL", presence()))).isBetween(1L, 5_000L);

    // a member with a shorter time to live does not shorten the set's
    await(new PresenceScript(presence(), "g|c2", 1_000).run(channel, deadline()));
    assertThat(Long.parseLong(redis.command("PTTL", presence()))).isGreaterThan(1_000L);

    await(new PresenceScript(presence(), "g|c1", 0).run(channel, deadline()));
    await(new PresenceScript(presence(), "g|c2", 0).run(channel, deadline()));
    assertThat(redis.command("EXISTS", presence())).as("the last member withdrawn").isEqualTo("0");
  }

  @Test
  void aReplyIsAddedOnlyToAReplyStreamThatExists() {
    String inbox = "test:{replies:" + topic + "}";
    List<Object> fields = ReplyCodec.success("r1", topic, "c1", OutgoingReply.text("hi").header("a", "b"));
    assertThat(await(new ReplyScript(inbox, fields).run(channel, deadline()))).isFalse();
    assertThat(redis.command("EXISTS", inbox)).as("not created by the reply").isEqualTo("0");

    assertThat(await(new InboxScript(inbox, 10_000, null).run(channel, deadline()))).isTrue();
    assertThat(await(new ReplyScript(inbox, fields).run(channel, deadline()))).isTrue();
    List<Replies.Entry> entries = Replies.range(await(channel.send(
        io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.XRANGE).arg(inbox).arg("-").arg("+"),
        deadline())));
    assertThat(entries).hasSize(2);
    assertThat(ReplyCodec.decode(entries.get(0).fields())).as("the marker is no reply").isNull();
    ReplyCodec.Decoded reply = ReplyCodec.decode(entries.get(1).fields());
    assertThat(reply).isEqualTo(new ReplyCodec.Decoded("r1", topic, "c1", true, io.vertx.core.buffer.Buffer.buffer("hi"),
        OutgoingMessage.TEXT, Map.of("a", "b"), null, null));

    ReplyCodec.Decoded failed = ReplyCodec.decode(
        fieldsOf(ReplyCodec.failure("r2", topic, "c1", "java.lang.IllegalStateException", "down")));
    assertThat(failed.ok()).isFalse();
    assertThat(failed.errorType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.error()).isEqualTo("down");
  }

  private static Map<String, io.vertx.core.buffer.Buffer> fieldsOf(List<Object> flat) {
    Map<String, io.vertx.core.buffer.Buffer> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      Object v = flat.get(i + 1);
      m.put((String) flat.get(i), v instanceof io.vertx.core.buffer.Buffer b ? b
          : io.vertx.core.buffer.Buffer.buffer(String.valueOf(v)));
    }
    return m;
  }

  @Test
  void theReplyStreamIsCreatedOnceTrimmedToWhatWasReadAndItsTimeToLiveRenewed() {
    String inbox = "test:{replies:" + topic + "}";
    assertThat(await(new InboxScript(inbox, 2_000, null).run(channel, deadline()))).isTrue();
    assertThat(Long.parseLong(redis.command("PTTL", inbox))).isBetween(1L, 2_000L);
    String first = redis.command("XADD", inbox, "*", "request-id", "a", "outcome", "ok");
    String second = redis.command("XADD", inbox, "*", "request-id", "b", "outcome", "ok");
    redis.command("PEXPIRE", inbox, "500");

    assertThat(await(new InboxScript(inbox, 9_000, first).run(channel, deadline()))).as("it existed").isFalse();
    assertThat(redis.command("XLEN", inbox)).as("the marker trimmed, the last read and what follows kept")
        .isEqualTo("2");
    assertThat(redis.command("XRANGE", inbox, "-", "+")).contains(first).contains(second);
    assertThat(Long.parseLong(redis.command("PTTL", inbox))).isGreaterThan(2_000L);

    redis.command("DEL", inbox);
    assertThat(await(new InboxScript(inbox, 9_000, second).run(channel, deadline()))).as("created again").isTrue();
  }
}
