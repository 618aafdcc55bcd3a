package io.streambus;

import io.streambus.admin.DeadLetters;
import io.streambus.admin.DeadLetterReplay;
import io.streambus.admin.DeadLetterPage;
import io.streambus.admin.DeadLetterFilter;
import io.streambus.admin.DeadLetter;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DeadLetters.search and replayAll against a real Redis (7.x and 6.2). */
class DeadLetterSearchTest extends BusTestBase {

  /** Both groups dead-letter every message while {@code broken} is set; counts the calls each group gets. */
  private final AtomicBoolean broken = new AtomicBoolean(true);
  private final AtomicInteger billingCalls = new AtomicInteger();
  private final AtomicInteger shippingCalls = new AtomicInteger();

  private StreamBus twoFailingGroups(int partitions) {
    StreamBus bus = bus(busOptions().setPartitions(partitions));
    await(bus.subscribe(topic, "billing", m -> handle(billingCalls), fastConsumer()));
    await(bus.subscribe(topic, "shipping", m -> handle(shippingCalls), fastConsumer()));
    return bus;
  }

  private Future<Void> handle(AtomicInteger calls) {
    calls.incrementAndGet();
    return broken.get() ? Future.failedFuture(new BusException.NonRetryable("declined")) : Future.succeededFuture();
  }

  /** Publishes n messages with key customer-(i % 3) and header source web (even i) or app (odd i). */
  private List<MessageId> publish(StreamBus bus, int n) {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(await(bus.publish(OutgoingMessage.json(topic, new JsonObject().put("i", i)).key("customer-" + i % 3)
          .header("source", i % 2 == 0 ? "web" : "app"))));
    }
    return ids;
  }

  private List<DeadLetter> searchAll(DeadLetters dl, DeadLetterFilter filter, int limit) {
    List<DeadLetter> all = new ArrayList<>();
    String cursor = null;
    do {
      DeadLetterPage page = await(dl.search(filter, cursor, limit));
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  private static String text(DeadLetter d, String field) {
    return d.fields().get(field) == null ? null : d.fields().get(field).toString();
  }

  @Test
  void searchMatchesKeyHeaderMessageIdAndGroupTogetherAcrossPartitions() {
    StreamBus bus = twoFailingGroups(3);
    List<MessageId> ids = publish(bus, 12);
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(15), () -> await(dl.count()) == 24, "12 messages dead in each of 2 groups");
    DeadLetterFilter customer1 = DeadLetterFilter.all().withKey("customer-1");

    List<DeadLetter> byKey = searchAll(dl, customer1, 50);
    assertThat(byKey).hasSize(8).allSatisfy(d -> assertThat(text(d, "key")).isEqualTo("customer-1"));
    assertThat(searchAll(dl, customer1.withGroup("billing"), 50)).hasSize(4)
        .allSatisfy(d -> assertThat(d.group()).isEqualTo("billing"));
    assertThat(searchAll(dl, DeadLetterFilter.all().withHeader("source", "web"), 50)).hasSize(12);
    // i = 4 and 10 are even and customer-1
    assertThat(searchAll(dl, customer1.withHeader("source", "web"), 50)).hasSize(4)
        .allSatisfy(d -> assertThat(text(d, "h:source")).isEqualTo("web"));
    assertThat(searchAll(dl, customer1.withHeader("source", "WEB"), 50)).as("exact, case-sensitive").isEmpty();

    // A message id names one message: its two dead letters (one per group), whichever form it takes
    MessageId five = ids.get(5);
    for (DeadLetterFilter byId : List.of(DeadLetterFilter.all().withMessageId(five),
        DeadLetterFilter.all().withMessageId(five.toString()),
        DeadLetterFilter.all().withMessageId(five.partition() + "/" + five.value()))) {
      assertThat(searchAll(dl, byId, 50)).as(byId.toString()).hasSize(2)
          .allSatisfy(d -> assertThat(d.originalId()).isEqualTo(five.value()))
          .allSatisfy(d -> assertThat(d.partition()).isEqualTo(five.partition()))
          .extracting(DeadLetter::group).containsExactlyInAnyOrder("billing", "shipping");
    }
    // A bare entry id matches in every partition, where another message may have the same id
    assertThat(searchAll(dl, DeadLetterFilter.all().withMessageId(five.value()), 50))
        .allSatisfy(d -> assertThat(d.originalId()).isEqualTo(five.value()))
        .filteredOn(d -> d.partition() == five.partition()).hasSize(2);
    // never the dead letter's own id, which the dead-letter stream draws from the same clock as message ids
    DeadLetter one = byKey.get(3);
    assertThat(searchAll(dl, DeadLetterFilter.all().withMessageId(one.partition() + "/" + one.id()), 50))
        .allSatisfy(d -> assertThat(d.originalId()).isEqualTo(one.id()));
    assertThat(awaitFailure(dl.search(DeadLetterFilter.all().withMessageId("other/0/1-0"), null, 10)))
        .hasMessage("id names topic 'other', not '" + topic + "'");
    assertThat(awaitFailure(dl.search(DeadLetterFilter.all().withMessageId("3/1-0"), null, 10)))
        .hasMessage("id names partition 3, but topic '" + topic + "' has 3");

    // pages of 3 walk the same matches in the order of list(), without gaps or repeats
    List<DeadLetter> listed = await(dl.list(null, 1000)).items().stream()
        .filter(d -> "customer-1".equals(text(d, "key"))).toList();
    assertThat(searchAll(dl, customer1, 3)).containsExactlyElementsOf(listed);
    assertThat(byKey).containsExactlyElementsOf(listed);
  }

  @Test
  void aSearchPageExaminesABoundedStretchAndItsCursorWalksOn() {
    StreamBus bus = bus();
    await(bus.publish(topic, "registers the topic"));
    int total = 2 * DeadLetters.SEARCH_SCAN_LIMIT + 500;
    // dead letters as dead_letter.lua writes them, made inside Redis: one has the key searched for, near the end
    redis.command("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'payload', 'p' .. i, "
        + "'key', i == tonumber(ARGV[2]) and 'needle' or ('k' .. i), 'dl:group', 'g', 'dl:id', '1-' .. i) end",
        "1", dlq(0), String.valueOf(total), String.valueOf(total - 100));
    DeadLetters dl = bus.deadLetters(topic);
    DeadLetterFilter needle = DeadLetterFilter.all().withKey("needle");

    List<Integer> sizes = new ArrayList<>();
    List<DeadLetter> found = new ArrayList<>();
    String cursor = null;
    do {
      DeadLetterPage page = await(dl.search(needle, cursor, 50));
      sizes.add(page.items().size());
      found.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(sizes).as("matches per page, each page examining at most %d", DeadLetters.SEARCH_SCAN_LIMIT)
        .containsExactly(0, 0, 1);
    assertThat(found).singleElement().satisfies(d -> assertThat(d.originalId()).isEqualTo("1-" + (total - 100)));
  }

  @Test
  void replayAllOfOneGroupGoesToThatGroupOnly() {
    StreamBus bus = twoFailingGroups(2);
    MessageId first = publish(bus, 6).get(0);
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(15), () -> await(dl.count()) == 12, "6 messages dead in each of 2 groups");
    broken.set(false);

    // one message's billing dead letter: only its partition is examined
    long inItsPartition = Long.parseLong(redis.command("XLEN", dlq(first.partition())));
    assertThat(await(dl.replayAll(DeadLetterFilter.all().withMessageId(first).withGroup("billing"), null, 1000)))
        .isEqualTo(new DeadLetterReplay(1, 0, inItsPartition, null));
    DeadLetterReplay result = await(dl.replayAll(DeadLetterFilter.all().withGroup("billing"), null, 1000));
    assertThat(result).isEqualTo(new DeadLetterReplay(5, 0, 11, null));
    assertThat(result.complete()).isTrue();
    eventually(Duration.ofSeconds(10), () -> billingCalls.get() == 12, "billing gets its 6 dead letters again");
    eventually(Duration.ofSeconds(10), () -> settled(bus), "shipping skipped the replays");
    assertThat(shippingCalls.get()).isEqualTo(6);
    assertThat(await(dl.list(null, 100)).items()).hasSize(6)
        .allSatisfy(d -> assertThat(d.group()).isEqualTo("shipping"));
  }

  @Test
  void replayAllSkipsDeadLettersWithoutAGroupOrWhoseGroupIsGone() {
    StreamBus bus = bus();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      calls.incrementAndGet();
      return broken.get() ? Future.failedFuture(new BusException.NonRetryable("no")) : Future.succeededFuture();
    }, fastConsumer()));
    await(bus.publish(topic, "a"));
    await(bus.publish(topic, "b"));
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(10), () -> await(dl.count()) == 2, "2 dead letters of g");
    redis.command("XADD", dlq(0), "*", "payload", "written by another tool");
    redis.command("XADD", dlq(0), "*", "payload", "c", "dl:group", "gone", "dl:id", "1-1");
    broken.set(false);

    assertThat(await(dl.replayAll(DeadLetterFilter.all(), null, 1000))).isEqualTo(new DeadLetterReplay(2, 2, 4, null));
    eventually(Duration.ofSeconds(10), () -> calls.get() == 4, "g got its two again");
    assertThat(await(dl.list(null, 10)).items()).extracting(DeadLetter::group).containsExactly(null, "gone");
  }

  @Test
  void replayAllStopsAtItsLimitAndItsCursorContinuesWithoutRepeats() {
    StreamBus bus = twoFailingGroups(2);
    publish(bus, 7);
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(15), () -> await(dl.count()) == 14, "7 messages dead in each of 2 groups");
    broken.set(false);
    DeadLetterFilter billing = DeadLetterFilter.all().withGroup("billing");

    List<Long> replayed = new ArrayList<>();
    String cursor = null;
    do {
      DeadLetterReplay step = await(dl.replayAll(billing, cursor, 3));
      assertThat(step.replayed()).isLessThanOrEqualTo(3);
      replayed.add(step.replayed());
      cursor = step.nextCursor();
    } while (cursor != null);
    assertThat(replayed.stream().mapToLong(Long::longValue).sum()).isEqualTo(7);
    assertThat(replayed.subList(0, 2)).containsExactly(3L, 3L);
    eventually(Duration.ofSeconds(10), () -> billingCalls.get() == 14 && settled(bus), "each replayed once");
    assertThat(await(dl.count())).isEqualTo(7);
  }

  /**
   * A handler that fails every replay at once dead-letters it again, after the run's bound: the run replays each of
   * its dead letters once, not the new ones round and round, also when it is continued call by call.
   */
  @Test
  void aReplayThatFailsAgainIsNotReplayedAgainInTheSameRun() {
    StreamBus bus = bus();
    AtomicInteger calls = new AtomicInteger();
    await(bus.subscribe(topic, "g", m -> {
      calls.incrementAndGet();
      return Future.failedFuture(new BusException.NonRetryable("always"));
    }, fastConsumer()));
    for (int i = 0; i < 4; i++) {
      await(bus.publish(topic, "m" + i));
    }
    DeadLetters dl = bus.deadLetters(topic);
    eventually(Duration.ofSeconds(10), () -> await(dl.count()) == 4 && calls.get() == 4, "4 dead letters");

    long replayed = 0;
    String cursor = null;
    do {
      DeadLetterReplay step = await(dl.replayAll(DeadLetterFilter.all(), cursor, 1));
      replayed += step.replayed();
      cursor = step.nextCursor();
      long expectedCalls = 4 + replayed;
      // the replay failed and is a dead letter again before the run goes on
      eventually(Duration.ofSeconds(10), () -> calls.get() == expectedCalls && await(dl.count()) == 4,
          () -> "replay " + expectedCalls + " handled and dead-lettered again");
    } while (cursor != null);
    assertThat(replayed).isEqualTo(4);
    assertThat(calls.get()).isEqualTo(8);
  }

  @Test
  void badArgumentsAreRefusedWithMessagesThatNameThem() {
    StreamBus bus = bus();
    await(bus.publish(topic, "registers the topic"));
    DeadLetters dl = bus.deadLetters(topic);
    DeadLetterFilter filter = DeadLetterFilter.all().withKey("k");
    assertThat(awaitFailure(dl.search(filter, null, 0))).hasMessageContaining("limit must be in 1..1000, was 0");
    assertThat(awaitFailure(dl.search(filter, "nonsense", 10))).hasMessageStartingWith("bad cursor");
    assertThat(awaitFailure(dl.search(null, null, 10))).hasMessage("filter must not be null");
    assertThat(awaitFailure(dl.replayAll(filter, null, DeadLetters.MAX_REPLAY + 1)))
        .hasMessageContaining("limit must be in 1..10000, was 10001");
    assertThat(awaitFailure(dl.replayAll(filter, "0/1-0", 10))).hasMessageStartingWith("bad cursor");
    assertThat(awaitFailure(dl.replayAll(filter, "7/-/+", 10))).hasMessageContaining("has no partition 7");

    assertThatThrownBy(() -> DeadLetterFilter.all().withMessageId("abc")).hasMessage("id must be <topic>/<partition>/"
        + "<entry id>, <partition>/<entry id> or an entry id like 1700000000000-0, was 'abc'");
    assertThatThrownBy(() -> DeadLetterFilter.all().withMessageId("a:b/0/1-0")).hasMessageStartingWith("id must be");
    assertThat(DeadLetterFilter.all().withMessageId("orders/2/5-1"))
        .extracting(DeadLetterFilter::messageTopic, DeadLetterFilter::messagePartition, DeadLetterFilter::messageId)
        .containsExactly("orders", 2, "5-1");
    assertThatThrownBy(() -> DeadLetterFilter.all().withKey("")).hasMessage("key must not be empty");
    assertThatThrownBy(() -> DeadLetterFilter.all().withHeader("", "v")).hasMessage("header name must not be empty");
    assertThatThrownBy(() -> DeadLetterFilter.all().withHeader("h", null)).hasMessage("header value must not be null");
    assertThatThrownBy(() -> DeadLetterFilter.all().withKey("x".repeat(1001)))
        .hasMessage("key must be at most 1000 characters, was 1001");
    assertThatThrownBy(() -> DeadLetterFilter.all().withGroup("a:b")).hasMessageStartingWith("group must be 1-200");
    DeadLetterFilter many = DeadLetterFilter.all();
    for (int i = 0; i < DeadLetterFilter.MAX_HEADERS; i++) {
      many = many.withHeader("h" + i, "v");
    }
    DeadLetterFilter full = many;
    assertThatThrownBy(() -> full.withHeader("one-more", "v")).hasMessage("a filter holds at most 16 headers");
    assertThat(full.withHeader("h0", "w").headers()).hasSize(16).containsEntry("h0", "w");
    assertThat(DeadLetterFilter.all().isEmpty()).isTrue();
    assertThat(filter.isEmpty()).isFalse();
  }
}
