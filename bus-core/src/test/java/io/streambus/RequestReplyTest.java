package io.streambus;

import io.streambus.BusException.RequestFailed;
import io.streambus.testsupport.BuildConsole;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests over streams against a real Redis: the round trip, each typed failure (timeout, no responder, the
 * responder's failure after its retries or at once, cancelled), deadlines (a request not started after its deadline),
 * replies reaching the instance that asked and no other. Run on the managed-Redis profiles too
 * ({@link ManagedRequestReplyTest}, {@link ServerlessRequestReplyTest}); what needs a fault proxy is in
 * {@link RequestFaultsTest}.
 */
class RequestReplyTest extends BusTestBase {
  static RequestFailed requestFailure(Future<?> f) {
    Throwable e = awaitFailure(f);
    assertThat(e).isInstanceOf(RequestFailed.class);
    return (RequestFailed) e;
  }

  static String inboxOf(String instance) {
    return "test:{replies:" + instance + "}";
  }

  @Test
  void aRequestGetsTheRespondersReplyWithItsHeadersAndTheRespondersName() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    List<Long> timeLeft = new CopyOnWriteArrayList<>();
    Subscription sub = await(responder.respond(topic, "pricing", r -> {
      timeLeft.add(r.timeLeftMs());
      JsonObject q = r.json();
      return Future.succeededFuture(OutgoingReply.json(new JsonObject().put("sku", q.getString("sku"))
          .put("price", 42)).header("currency", "EUR").header("asked", r.header("who")));
    }, fastConsumer()));

    Reply reply = await(requester.request(OutgoingMessage.json(topic, new JsonObject().put("sku", "A-1"))
        .header("who", "test"), 5_000));

    assertThat(reply.json()).isEqualTo(new JsonObject().put("sku", "A-1").put("price", 42));
    assertThat(reply.contentType()).isEqualTo(OutgoingMessage.JSON);
    assertThat(reply.headers()).containsExactly(Map.entry("currency", "EUR"), Map.entry("asked", "test"));
    assertThat(reply.responder()).isEqualTo(sub.consumerName());
    assertThat(reply.requestId()).isNotBlank();
    assertThat(timeLeft).hasSize(1);
    assertThat(timeLeft.get(0)).isBetween(1L, 5_000L);
    assertThat(count(BusMeters.REQUEST_SENT)).isEqualTo(1);
    assertThat(count(BusMeters.REQUEST_REPLIED)).isEqualTo(1);
    assertThat(registry.find(BusMeters.REQUEST_ROUND_TRIP).tag("topic", topic).timer().count()).isEqualTo(1);
    eventually(Duration.ofSeconds(5), () -> settled(requester), "the request acknowledged");

    // the default timeout, a text payload, an empty reply
    await(sub.close());
    await(responder.respond(topic, "pricing", r -> Future.succeededFuture(null), fastConsumer()));
    Reply empty = await(requester.request(topic, "anything"));
    assertThat(empty.payload().length()).isZero();
  }

  @Test
  void aRequestNobodyAnswersTimesOutAndItsDeadlineStopsTheResponderFromStartingItLater() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    AtomicInteger started = new AtomicInteger();
    Promise<OutgoingReply> blocker = Promise.promise();
    // one handler slot, held by the first request: the next ones wait in the stream, unread
    await(responder.respond(topic, "g", r -> {
      started.incrementAndGet();
      return r.text().equals("blocker") ? blocker.future() : Future.succeededFuture(OutgoingReply.text("late"));
    }, fastConsumer().setMaxInFlight(1)));
    Future<Reply> first = requester.request(OutgoingMessage.text(topic, "blocker"), 20_000);
    eventually(Duration.ofSeconds(5), () -> started.get() == 1, "the first request in the handler");
    long t0 = System.currentTimeMillis();
    List<Future<Reply>> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(requester.request(OutgoingMessage.text(topic, "r" + i), 300));
    }
    for (Future<Reply> f : sent) {
      assertThat(requestFailure(f).kind()).isEqualTo(RequestFailed.Kind.TIMEOUT);
    }
    long took = System.currentTimeMillis() - t0;
    BuildConsole.println("RequestReplyTest: 5 requests of 300 ms timed out after " + took + " ms");
    assertThat(took).isGreaterThanOrEqualTo(300);
    assertThat(count(BusMeters.REQUEST_TIMEOUT)).isEqualTo(5);

    blocker.complete(OutgoingReply.text("unblocked"));
    assertThat(await(first).text()).isEqualTo("unblocked");
    eventually(Duration.ofSeconds(10), () -> count(BusMeters.REQUEST_EXPIRED) == 5,
        () -> "the 5 expired requests counted, got " + count(BusMeters.REQUEST_EXPIRED));
    eventually(Duration.ofSeconds(5), () -> settled(requester), "the expired requests acknowledged");
    assertThat(started.get()).as("handler calls").isEqualTo(1);
    assertThat(registry.find(BusMeters.REQUEST_EXPIRED).tag("when", "before_start").counter().count()).isEqualTo(5);
    assertThat(count(BusMeters.REQUEST_LATE)).isZero();
  }

  @Test
  void aHandlerStillRunningAtTheDeadlineIsNotRetriedAndItsRequestIsAcknowledgedWithoutAReply() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    AtomicInteger calls = new AtomicInteger();
    await(responder.respond(topic, "g", r -> {
      calls.incrementAndGet();
      return Promise.<OutgoingReply>promise().future(); // never answers
    }, fastConsumer().setMaxDeliveries(5)));

    assertThat(requestFailure(requester.request(OutgoingMessage.text(topic, "slow"), 400)).kind())
        .isEqualTo(RequestFailed.Kind.TIMEOUT);

    eventually(Duration.ofSeconds(10), () -> count(BusMeters.REQUEST_EXPIRED) == 1, "the overrun counted");
    eventually(Duration.ofSeconds(5), () -> settled(requester), "the request acknowledged");
    assertThat(registry.find(BusMeters.REQUEST_EXPIRED).tag("when", "after_failure").counter().count()).isEqualTo(1);
    assertThat(calls.get()).as("handler calls: not retried").isEqualTo(1);
    assertThat(on(dlq(0), "EXISTS", dlq(0))).as("not dead-lettered").isEqualTo("0");
    assertThat(count(BusMeters.REQUEST_ANSWERED)).isZero();
  }

  @Test
  void withoutAResponderARequestFailsAtOnceAndIsNotStored() {
    StreamBus requester = bus();
    long t0 = System.nanoTime();
    RequestFailed e = requestFailure(requester.request(OutgoingMessage.text(topic, "anyone?"), 10_000));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    BuildConsole.println("RequestReplyTest: no responder ever: NO_RESPONDER after " + ms + " ms (timeout 10000 ms)");
    assertThat(e.kind()).isEqualTo(RequestFailed.Kind.NO_RESPONDER);
    assertThat(e.topic()).isEqualTo(topic);
    assertThat(ms).isLessThan(5_000);
    assertThat(on(stream(0), "EXISTS", stream(0))).isEqualTo("0");
    assertThat(count(BusMeters.REQUEST_NO_RESPONDER)).isEqualTo(1);
    assertThat(count(BusMeters.REQUEST_SENT)).isZero();

    // a responder that closes withdraws at once
    StreamBus responder = bus();
    Subscription sub = await(responder.respond(topic, "g", r -> Future.succeededFuture(OutgoingReply.text("here")),
        fastConsumer()));
    assertThat(await(requester.request(topic, "now?")).text()).isEqualTo("here");
    await(sub.close());
    t0 = System.nanoTime();
    assertThat(requestFailure(requester.request(OutgoingMessage.text(topic, "still?"), 10_000)).kind())
        .isEqualTo(RequestFailed.Kind.NO_RESPONDER);
    ms = (System.nanoTime() - t0) / 1_000_000;
    BuildConsole.println("RequestReplyTest: after the last responder closed: NO_RESPONDER after " + ms + " ms");
  }

  @Test
  void aResponderThatKeepsFailingAnswersWithItsErrorOnceItsRetriesAreUsedUp() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    AtomicInteger calls = new AtomicInteger();
    Subscription sub = await(responder.respond(topic, "g", r -> {
      calls.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("stock service down (try " + r.deliveryCount() + ")"));
    }, fastConsumer().setMaxDeliveries(3)));

    RequestFailed e = requestFailure(requester.request(OutgoingMessage.text(topic, "stock?"), 20_000));

    assertThat(e.kind()).isEqualTo(RequestFailed.Kind.RESPONDER_FAILED);
    assertThat(e.errorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(e.getMessage()).contains("stock service down (try 3)");
    assertThat(e.responder()).isEqualTo(sub.consumerName());
    assertThat(calls.get()).isEqualTo(3);
    eventually(Duration.ofSeconds(5), () -> on(dlq(0), "XLEN", dlq(0)).equals("1"), "the request dead-lettered");
    assertThat(registry.find(BusMeters.REQUEST_REPLIED).tag("outcome", "failure").counter().count()).isEqualTo(1);
  }

  @Test
  void aFailureTheHandlerMarksFinalAnswersAtOnce() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    AtomicInteger calls = new AtomicInteger();
    await(responder.respond(topic, "g", r -> {
      calls.incrementAndGet();
      throw new BusException.NonRetryable("unknown sku " + r.text());
    }, fastConsumer().setMaxDeliveries(5)));

    RequestFailed e = requestFailure(requester.request(OutgoingMessage.text(topic, "Z-9"), 20_000));

    assertThat(e.kind()).isEqualTo(RequestFailed.Kind.RESPONDER_FAILED);
    assertThat(e.getMessage()).contains("unknown sku Z-9");
    assertThat(e.errorType()).isEqualTo(BusException.NonRetryable.class.getName());
    assertThat(calls.get()).isEqualTo(1);
    eventually(Duration.ofSeconds(5), () -> on(dlq(0), "XLEN", dlq(0)).equals("1"), "the request dead-lettered");
  }

  @Test
  void closingTheRequestingBusCancelsWhatWaitsAndDeletesItsReplyStream() {
    StreamBus requester = bus();
    StreamBus responder = bus();
    Set<String> replyTo = ConcurrentHashMap.newKeySet();
    AtomicInteger started = new AtomicInteger();
    await(responder.respond(topic, "g", r -> {
      replyTo.add(r.header("bus-reply-to"));
      started.incrementAndGet();
      return Promise.<OutgoingReply>promise().future(); // never answers
    }, fastConsumer()));
    List<Future<Reply>> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(requester.request(OutgoingMessage.text(topic, "r" + i), 30_000));
    }
    eventually(Duration.ofSeconds(5), () -> started.get() == 3, "the 3 requests in the handler");
    String inbox = inboxOf(replyTo.iterator().next());
    assertThat(on(inbox, "EXISTS", inbox)).isEqualTo("1");
    long pttl = Long.parseLong(on(inbox, "PTTL", inbox));
    assertThat(pttl).isBetween(1L, RequestOptions.DEFAULT_REPLY_TTL_MS);

    await(requester.close());

    for (Future<Reply> f : sent) {
      assertThat(requestFailure(f).kind()).isEqualTo(RequestFailed.Kind.CANCELLED);
    }
    assertThat(on(inbox, "EXISTS", inbox)).isEqualTo("0");
    assertThat(count(BusMeters.REQUEST_CANCELLED)).isEqualTo(3);
    assertThat(awaitFailure(requester.request(topic, "after"))).isInstanceOf(BusException.Closed.class);
  }

  /**
   * Every reply reaches the request it answers, on the instance that asked: two requesting buses, many concurrent
   * requests each, two responders of one group answering after random delays.
   */
  @Test
  void repliesOfTwoBusesNeverCross() {
    StreamBus a = bus();
    StreamBus b = bus();
    for (int i = 0; i < 2; i++) {
      await(bus().respond(topic, "echo", r -> {
        Promise<OutgoingReply> p = Promise.promise();
        vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(20),
            t -> p.complete(OutgoingReply.text("re:" + r.text())));
        return p.future();
      }, fastConsumer().setMaxInFlight(200)));
    }
    int n = 1_000;
    List<Future<Reply>> fromA = new ArrayList<>();
    List<Future<Reply>> fromB = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fromA.add(a.request(OutgoingMessage.text(topic, "a" + i), 60_000));
      fromB.add(b.request(OutgoingMessage.text(topic, "b" + i), 60_000));
    }
    Set<String> requestIds = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < n; i++) {
      Reply ra = await(fromA.get(i));
      Reply rb = await(fromB.get(i));
      assertThat(ra.text()).isEqualTo("re:a" + i);
      assertThat(rb.text()).isEqualTo("re:b" + i);
      requestIds.add(ra.requestId());
      requestIds.add(rb.requestId());
    }
    assertThat(requestIds).hasSize(2 * n);
    assertThat(count(BusMeters.REQUEST_REPLIED)).isEqualTo(2L * n);
    // each request handed over once; a request answered twice (at least once: a peer reclaimed it from a member
    // that stalled past the claim min idle) had its second answer dropped and counted, never handed over
    eventually(Duration.ofSeconds(10),
        () -> count(BusMeters.REQUEST_LATE) == count(BusMeters.REQUEST_ANSWERED) - 2L * n,
        () -> "late " + count(BusMeters.REQUEST_LATE) + ", answered " + count(BusMeters.REQUEST_ANSWERED));
    assertThat(count(BusMeters.REQUEST_REPLIED)).isEqualTo(2L * n);
    BuildConsole.println("RequestReplyTest: " + 2 * n + " concurrent requests from two buses, each answered to its"
        + " own: round trip mean " + String.format("%.1f", registry.find(BusMeters.REQUEST_ROUND_TRIP)
        .tag("topic", topic).timer().mean(java.util.concurrent.TimeUnit.MILLISECONDS)) + " ms; "
        + count(BusMeters.REQUEST_LATE) + " second answers dropped");
  }

  @Test
  void aPlainMessageOnAResponderTopicIsDeadLetteredAsNotARequest() {
    StreamBus responder = bus();
    AtomicInteger calls = new AtomicInteger();
    await(responder.respond(topic, "g", r -> {
      calls.incrementAndGet();
      return Future.succeededFuture(OutgoingReply.empty());
    }, fastConsumer()));
    await(responder.publish(topic, "just an event"));
    eventually(Duration.ofSeconds(5), () -> on(dlq(0), "XLEN", dlq(0)).equals("1"), "dead-lettered");
    assertThat(on(dlq(0), "XRANGE", dlq(0), "-", "+")).contains("not a request");
    assertThat(calls.get()).isZero();
  }

  @Test
  void requestsThatCannotBeSentAreRefusedNamingWhy() {
    StreamBus requester = bus();
    assertThat(awaitFailure(requester.request(OutgoingMessage.text(topic, "x").delay(Duration.ofSeconds(1)), 1_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delayed");
    assertThat(awaitFailure(requester.request(OutgoingMessage.text(topic, "x"), 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutMs");
    assertThat(awaitFailure(requester.request(OutgoingMessage.text("bad topic", "x"), 1_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic");
  }
}
