package io.streambus;

import io.streambus.admin.GroupReset;
import io.streambus.admin.PartitionReset;
import io.streambus.admin.ResetPosition;
import io.streambus.admin.StreamEntry;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's reads and position moves of {@code BusAdmin}: pages of a partition read without a group, and group
 * resets (preview, live members, pending entries left alone), against a real Redis.
 */
class GroupResetAndReadTest extends BusTestBase {

  /** Three partitions on one server; the cluster variant's own count there. */
  protected BusOptions options() {
    return busOptions().setPartitions(3);
  }

  private List<MessageId> publish(StreamBus bus, int n) {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(await(bus.publish(OutgoingMessage.text(topic, "m" + i).key("k" + i).header("n", "" + i))));
    }
    return ids;
  }

  private String lastDelivered(int partition, String group) {
    String groups = on(stream(partition), "XINFO", "GROUPS", stream(partition));
    List<String> lines = List.of(groups.split("\n"));
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).equals("name") && lines.get(i + 1).equals(group)) {
        for (int j = i; j + 1 < lines.size(); j++) {
          if (lines.get(j).equals("last-delivered-id")) {
            return lines.get(j + 1);
          }
        }
      }
    }
    throw new AssertionError("no group " + group + " in " + groups);
  }

  private long pendingOf(int partition, String group) {
    return Long.parseLong(on(stream(partition), "XPENDING", stream(partition), group).split("\n")[0]);
  }

  @Test
  void readPagesThroughAPartitionOldestFirstWithoutTouchingAnyGroup() {
    StreamBus bus = bus(options());
    List<MessageId> ids = publish(bus, 12);
    int partitions = await(bus.admin().partitions(topic));
    List<StreamEntry> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      String after = null;
      while (true) {
        List<StreamEntry> page = await(bus.admin().read(topic, p, after, 2));
        assertThat(page.size()).isLessThanOrEqualTo(2);
        if (page.isEmpty()) {
          break;
        }
        all.addAll(page);
        after = page.get(page.size() - 1).id();
      }
    }
    assertThat(all).extracting(StreamEntry::messageId).containsExactlyInAnyOrderElementsOf(ids);
    StreamEntry third = all.stream().filter(e -> e.messageId().equals(ids.get(3))).findFirst().orElseThrow();
    assertThat(third.payload().toString()).isEqualTo("m3");
    assertThat(third.key()).isEqualTo("k3");
    assertThat(third.headers()).containsEntry("n", "3");
    assertThat(third.contentType()).isEqualTo(OutgoingMessage.TEXT);
    assertThat(third.timestamp()).isEqualTo(ids.get(3).timestamp());
    assertThat(third.toJson().getString("payload")).isEqualTo("m3");

    StreamEntry one = await(bus.admin().entry(topic, ids.get(5).partition(), ids.get(5).value()));
    assertThat(one.payload().toString()).isEqualTo("m5");
    assertThat(await(bus.admin().entry(topic, 0, "1-1"))).isNull();
    for (int p = 0; p < partitions; p++) {
      assertThat(on(stream(p), "XINFO", "GROUPS", stream(p))).isEmpty();
    }
    assertThat(awaitFailure(bus.admin().read(topic, partitions, null, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition must be 0.." + (partitions - 1));
    assertThat(awaitFailure(bus.admin().read(topic, 0, "yesterday", 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after must be an entry id");
    assertThat(awaitFailure(bus.admin().read(topic, 0, null, 1001)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be 1..1000");
  }

  @Test
  void readBackwardPagesNewestFirstAndDeliveriesNameTheHolder() {
    StreamBus bus = bus(options());
    List<MessageId> ids = publish(bus, 30);
    // the partition that holds most (the cluster variant has more partitions than one server)
    int full = ids.stream().collect(java.util.stream.Collectors.groupingBy(MessageId::partition,
        java.util.stream.Collectors.counting())).entrySet().stream().max(java.util.Map.Entry.comparingByValue())
        .orElseThrow().getKey();
    List<MessageId> ofFull = ids.stream().filter(id -> id.partition() == full).toList();
    assertThat(ofFull).hasSizeGreaterThanOrEqualTo(3);
    List<String> newestFirst = new ArrayList<>();
    String before = null;
    while (true) {
      List<StreamEntry> page = await(bus.admin().readBackward(topic, full, before, 2));
      assertThat(page.size()).isLessThanOrEqualTo(2);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(e -> newestFirst.add(e.id()));
      before = page.get(page.size() - 1).id();
    }
    List<String> expected = new ArrayList<>(ofFull.stream().map(MessageId::value).toList());
    java.util.Collections.reverse(expected);
    assertThat(newestFirst).containsExactlyElementsOf(expected);
    assertThat(await(bus.admin().readBackward(topic, full, "0-0", 5))).isEmpty();
    assertThat(await(bus.admin().readBackward(topic, full, ofFull.get(1).value(), 5))).extracting(StreamEntry::id)
        .containsExactly(ofFull.get(0).value());
    assertThat(awaitFailure(bus.admin().readBackward(topic, full, "soon", 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before must be an entry id");
    assertThat(awaitFailure(bus.admin().readBackward(topic, full, null, 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be 1..1000");

    String first = ofFull.get(0).value();
    assertThat(await(bus.admin().deliveries(topic, full, first))).isEmpty();
    on(stream(full), "XGROUP", "CREATE", stream(full), "g", "0");
    on(stream(full), "XGROUP", "CREATE", stream(full), "idle", "$");
    on(stream(full), "XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", stream(full), ">");
    on(stream(full), "XCLAIM", stream(full), "g", "bob", "0", first);
    List<io.streambus.admin.EntryDelivery> held = await(bus.admin().deliveries(topic, full, first));
    assertThat(held).hasSize(1);
    assertThat(held.get(0).group()).isEqualTo("g");
    assertThat(held.get(0).consumer()).isEqualTo("bob");
    assertThat(held.get(0).deliveries()).isEqualTo(2);
    assertThat(held.get(0).idleMs()).isGreaterThanOrEqualTo(0);
    assertThat(await(bus.admin().deliveries(topic, full, ofFull.get(1).value()))).isEmpty();
    assertThat(awaitFailure(bus.admin().deliveries(topic, full, "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id must be an entry id");
  }

  @Test
  void previewChangesNothingAndResetToEarliestDeliversEverythingAgain() {
    StreamBus bus = bus(options());
    List<MessageId> ids = publish(bus, 9);
    int partitions = await(bus.admin().partitions(topic));
    for (int p = 0; p < partitions; p++) {
      on(stream(p), "XGROUP", "CREATE", stream(p), "g", "$");
    }
    List<String> before = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      before.add(lastDelivered(p, "g"));
    }

    GroupReset preview = await(bus.admin().previewReset(topic, "g", ResetPosition.earliest()));
    assertThat(preview.applied()).isFalse();
    assertThat(preview.replayed()).isEqualTo(9);
    assertThat(preview.skipped()).isZero();
    assertThat(preview.partitions()).hasSize(partitions);
    for (int p = 0; p < partitions; p++) {
      assertThat(lastDelivered(p, "g")).isEqualTo(before.get(p));
      int partition = p;
      assertThat(preview.partitions().get(p).replayed())
          .isEqualTo(ids.stream().filter(id -> id.partition() == partition).count());
    }

    GroupReset reset = await(bus.admin().resetGroup(topic, "g", ResetPosition.earliest(), false));
    assertThat(reset.applied()).isTrue();
    assertThat(reset.replayed()).isEqualTo(9);
    for (int p = 0; p < partitions; p++) {
      assertThat(lastDelivered(p, "g")).isEqualTo("0-0");
    }
    Set<MessageId> received = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      received.add(m.id());
      return Future.succeededFuture();
    }, fastConsumer()));
    eventually(Duration.ofSeconds(10), () -> received.size() == 9, () -> "received again: " + received);
    assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void resetToLatestSkipsTheBacklogAndLeavesPendingEntriesPending() {
    StreamBus bus = bus(options());
    List<MessageId> ids = publish(bus, 12);
    int partitions = await(bus.admin().partitions(topic));
    long pendingBefore = 0;
    for (int p = 0; p < partitions; p++) {
      on(stream(p), "XGROUP", "CREATE", stream(p), "g", "0");
      // one entry of each partition delivered and never acknowledged
      on(stream(p), "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", stream(p), ">");
      pendingBefore += pendingOf(p, "g");
    }
    assertThat(pendingBefore).isEqualTo(partitions);

    GroupReset reset = await(bus.admin().resetGroup(topic, "g", ResetPosition.latest(), false));
    assertThat(reset.applied()).isTrue();
    assertThat(reset.skipped()).isEqualTo(12 - partitions);
    assertThat(reset.replayed()).isZero();
    assertThat(reset.pending()).isEqualTo(partitions);
    for (int p = 0; p < partitions; p++) {
      assertThat(pendingOf(p, "g")).isEqualTo(1);
      int partition = p;
      String last = ids.stream().filter(id -> id.partition() == partition).reduce((a, b) -> b).orElseThrow().value();
      assertThat(lastDelivered(p, "g")).isEqualTo(last);
      assertThat(reset.partitions().get(p).toId()).isEqualTo(last);
    }
    assertThat(await(bus.admin().topic(topic)).groups().get(0).lag()).isZero();
  }

  @Test
  void resetToAnIdOrATimeCountsWhatItSkipsOrReplaysPerPartition() {
    StreamBus bus = bus(options().setPartitions(1));
    List<MessageId> ids = publish(bus, 10);
    on(stream(0), "XGROUP", "CREATE", stream(0), "g", "$");

    GroupReset toId = await(bus.admin().resetGroup(topic, "g", ResetPosition.afterId(ids.get(3).value()), false));
    assertThat(toId.replayed()).isEqualTo(6);
    assertThat(lastDelivered(0, "g")).isEqualTo(ids.get(3).value());

    GroupReset forward = await(bus.admin().previewReset(topic, "g", ResetPosition.afterId(ids.get(8).value())));
    assertThat(forward.skipped()).isEqualTo(5);
    assertThat(forward.replayed()).isZero();

    long t = ids.get(7).timestamp();
    long fromThen = ids.stream().filter(id -> id.timestamp() >= t).count();
    GroupReset toTime = await(bus.admin().resetGroup(topic, "g", ResetPosition.atTime(Instant.ofEpochMilli(t)),
        false));
    assertThat(toTime.applied()).isTrue();
    // from after ids[3] to just before the time: what lies between is skipped when the time is later, replayed when
    // it is earlier (entries published within one millisecond share its time, ids[3]'s included on a fast machine)
    long skipped = java.util.stream.IntStream.range(4, 10).filter(i -> ids.get(i).timestamp() < t).count();
    long replayed = java.util.stream.IntStream.range(0, 4).filter(i -> ids.get(i).timestamp() >= t).count();
    assertThat(toTime.skipped()).isEqualTo(skipped);
    assertThat(toTime.replayed()).isEqualTo(replayed);
    Set<MessageId> received = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      received.add(m.id());
      return Future.succeededFuture();
    }, fastConsumer()));
    eventually(Duration.ofSeconds(10), () -> received.size() == fromThen, () -> "received: " + received);
    assertThat(received).allMatch(id -> id.timestamp() >= t);

    assertThat(awaitFailure(bus.admin().resetGroup(topic, "g", ResetPosition.afterId("99999999999999-0"), false)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last entry id is "
            + ids.get(9).value());
    assertThat(awaitFailure(bus.admin().previewReset(topic, "nobody", ResetPosition.earliest())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group 'nobody' does not exist");
  }

  @Test
  void aTimeAfterAPartitionsLastEntryIsThatPartitionsEnd() {
    StreamBus bus = bus(options());
    List<MessageId> ids = publish(bus, 7);
    int partitions = await(bus.admin().partitions(topic));
    for (int p = 0; p < partitions; p++) {
      on(stream(p), "XGROUP", "CREATE", stream(p), "g", "0", "MKSTREAM");
    }
    // an hour from now: no partition has stored anything since, the quiet ones (no entry at all) included
    GroupReset reset = await(bus.admin().resetGroup(topic, "g",
        ResetPosition.atTime(Instant.now().plusSeconds(3600)), false));
    assertThat(reset.applied()).isTrue();
    assertThat(reset.skipped()).isEqualTo(7);
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      String last = ids.stream().filter(id -> id.partition() == partition).reduce((a, b) -> b)
          .map(MessageId::value).orElse("0-0");
      assertThat(lastDelivered(p, "g")).isEqualTo(last);
    }
  }

  @Test
  void aGroupWithLiveMembersIsNotMovedUnlessForced() {
    StreamBus bus = bus(options());
    publish(bus, 6);
    Subscription running = await(bus.subscribe(topic, "g", m -> Future.succeededFuture(),
        fastConsumer().setConsumerName("worker-1")));
    eventually(Duration.ofSeconds(10), () -> settled(bus), "backlog consumed");
    int partitions = await(bus.admin().partitions(topic));
    List<String> before = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      before.add(lastDelivered(p, "g"));
    }

    GroupReset refused = await(bus.admin().resetGroup(topic, "g", ResetPosition.earliest(), false));
    assertThat(refused.applied()).isFalse();
    assertThat(refused.liveMembers()).containsExactly("worker-1");
    assertThat(refused.partitions()).noneMatch(PartitionReset::applied);
    for (int p = 0; p < partitions; p++) {
      assertThat(lastDelivered(p, "g")).isEqualTo(before.get(p));
    }

    GroupReset forced = await(bus.admin().resetGroup(topic, "g", ResetPosition.earliest(), true));
    assertThat(forced.applied()).isTrue();
    assertThat(forced.liveMembers()).containsExactly("worker-1");
    await(running.close());
    // a closed subscription leaves the members hash: no force needed any more
    GroupReset afterClose = await(bus.admin().resetGroup(topic, "g", ResetPosition.latest(), false));
    assertThat(afterClose.applied()).isTrue();
    assertThat(afterClose.liveMembers()).isEmpty();
  }
}
