package io.streambus;

import io.streambus.BusException.RequestFailed;
import io.streambus.testsupport.BuildConsole;
import io.streambus.testsupport.FaultProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.streambus.RequestReplyTest.inboxOf;
import static io.streambus.RequestReplyTest.requestFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests when a process is cut off from Redis by a real fault proxy (as a dead one: it renews nothing) or loses a
 * reply's confirmation: a responder's presence lapses, a requester's reply stream expires, a reply sent twice is
 * handed over once.
 */
class RequestFaultsTest extends BusTestBase {
  private final List<FaultProxy> proxies = new ArrayList<>();

  @AfterEach
  void closeProxies() {
    closeBuses(); // first: a bus behind a proxy closes while it can still reach Redis
    proxies.forEach(FaultProxy::close);
  }

  private FaultProxy proxy() {
    FaultProxy p = FaultProxy.start(redis.host(), redis.port());
    proxies.add(p);
    return p;
  }

  /**
   * A responder cut off from Redis (as a dead one: it renews nothing any more) stops counting as present within the
   * responder time to live after its last renewal, which is at most a third of it before the cut.
   */
  @Test
  void aRespondersPresenceLapsesWithinItsTimeToLiveWhenItCanNoLongerRenewIt() {
    long ttl = 1_500;
    BusOptions options = busOptions();
    options.getRequests().setResponderTtlMs(ttl);
    StreamBus requester = bus(new BusOptions(options));
    FaultProxy proxy = proxy();
    StreamBus responder = bus(new BusOptions(options).setConnectionString(proxy.uri()));
    await(responder.respond(topic, "g", r -> Future.succeededFuture(OutgoingReply.text("ok")), fastConsumer()));
    assertThat(await(requester.request(topic, "up?")).text()).isEqualTo("ok");

    proxy.refuse(true);
    long cut = System.nanoTime();
    // requests sent meanwhile are stored (the presence has not lapsed yet) and time out; then NO_RESPONDER
    long lapsedAfter = -1;
    while ((System.nanoTime() - cut) / 1_000_000 < 3 * ttl) {
      Future<Reply> f = requester.request(OutgoingMessage.text(topic, "gone?"), 200);
      RequestFailed e = requestFailure(f);
      if (e.kind() == RequestFailed.Kind.NO_RESPONDER) {
        lapsedAfter = (System.nanoTime() - cut) / 1_000_000;
        break;
      }
      assertThat(e.kind()).isEqualTo(RequestFailed.Kind.TIMEOUT);
    }
    BuildConsole.println("RequestFaultsTest: responder cut off: NO_RESPONDER " + lapsedAfter + " ms after the cut"
        + " (responder time to live " + ttl + " ms)");
    assertThat(lapsedAfter).as("ms from the cut to NO_RESPONDER").isBetween(0L, ttl + 500);
    proxy.refuse(false);
  }

  /** A requester that died (cut off from Redis: it renews nothing) leaves no reply stream behind after its TTL. */
  @Test
  void aDeadRequestersReplyStreamExpiresAndLateRepliesDoNotCreateItAgain() {
    long ttl = 1_000;
    BusOptions options = busOptions();
    options.getRequests().setReplyTtlMs(ttl);
    FaultProxy proxy = proxy();
    StreamBus requester = bus(new BusOptions(options).setConnectionString(proxy.uri()));
    StreamBus responder = bus();
    Set<String> replyTo = ConcurrentHashMap.newKeySet();
    Promise<OutgoingReply> answer = Promise.promise();
    await(responder.respond(topic, "g", r -> {
      replyTo.add(r.header("bus-reply-to"));
      return answer.future();
    }, fastConsumer()));
    Future<Reply> waiting = requester.request(OutgoingMessage.text(topic, "q"), 20_000);
    eventually(Duration.ofSeconds(5), () -> replyTo.size() == 1, "the request in the handler");
    String inbox = inboxOf(replyTo.iterator().next());

    proxy.refuse(true);
    long cut = System.nanoTime();
    eventually(Duration.ofSeconds(5), () -> redis.command("EXISTS", inbox).equals("0"), "the reply stream expired");
    long goneAfter = (System.nanoTime() - cut) / 1_000_000;
    BuildConsole.println("RequestFaultsTest: requester cut off: its reply stream gone " + goneAfter + " ms after the"
        + " cut (reply TTL " + ttl + " ms)");
    assertThat(goneAfter).isLessThan(ttl + 1_000);

    answer.complete(OutgoingReply.text("too late"));
    eventually(Duration.ofSeconds(5), () -> settled(responder), "the answered request acknowledged");
    assertThat(redis.command("EXISTS", inbox)).as("a reply to a dead requester creates nothing").isEqualTo("0");
    assertThat(waiting.isComplete()).isFalse();
    proxy.refuse(false);
  }

  /**
   * A reply sent twice (the responder's first confirmation lost on a dropped connection, so it sent the reply again)
   * is handed over once; the second, and a stray reply of an unknown request id, are dropped and counted.
   */
  @Test
  void aDuplicateReplyAndAStrayOneAreDroppedAndCounted() {
    StreamBus requester = bus();
    FaultProxy proxy = proxy();
    StreamBus responder = bus(busOptions().setConnectionString(proxy.uri()));
    Set<String> replyTo = ConcurrentHashMap.newKeySet();
    await(responder.respond(topic, "g", r -> {
      replyTo.add(r.header("bus-reply-to"));
      // what the responder sends now reaches Redis, and its confirmations stay in the proxy
      proxy.holdReplies(true);
      return Future.succeededFuture(OutgoingReply.text("once"));
    }, fastConsumer()));

    Reply reply = await(requester.request(OutgoingMessage.text(topic, "q"), 20_000));
    assertThat(reply.text()).isEqualTo("once");
    proxy.dropConnections(); // the reply's confirmation is lost: the responder sends it again on a new connection
    proxy.holdReplies(false);
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.REQUEST_LATE) == 1,
        () -> "the second reply counted late, got " + count(BusMeters.REQUEST_LATE));
    assertThat(count(BusMeters.REQUEST_REPLIED)).isEqualTo(1);

    // a stray reply: an id nobody waits for, while a real request waits
    Promise<OutgoingReply> answer = Promise.promise();
    StreamBus second = bus();
    await(second.respond(topic + "-2", "g", r -> answer.future(), fastConsumer()));
    Future<Reply> waiting = requester.request(OutgoingMessage.text(topic + "-2", "q2"), 20_000);
    String inbox = inboxOf(replyTo.iterator().next());
    redis.command("XADD", inbox, "*", "request-id", "no-such-request", "topic", topic, "responder", "x",
        "outcome", "ok", "payload", "stray");
    eventually(Duration.ofSeconds(5), () -> count(BusMeters.REQUEST_LATE) == 2, "the stray reply counted");
    assertThat(waiting.isComplete()).isFalse();
    answer.complete(OutgoingReply.text("mine"));
    assertThat(await(waiting).text()).isEqualTo("mine");
  }
}
