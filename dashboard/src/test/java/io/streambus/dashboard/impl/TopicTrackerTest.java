package io.streambus.dashboard.impl;

import io.streambus.admin.ConsumerStats;
import io.streambus.admin.GroupStats;
import io.streambus.admin.PartitionStats;
import io.streambus.admin.TopicStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicTrackerTest {
  private static final long INTERVAL = 1_000;
  private final TopicTracker tracker = new TopicTracker(3, INTERVAL);

  /** A one-partition topic at time {@code t} with one group "g" whose last delivered id moves with what it read. */
  private static TopicStats at(long t, long added, long lag, long pending, long entriesRead, long ageMs) {
    GroupStats g = new GroupStats("g", lag, pending, (added - lag) + "-0", entriesRead, ageMs, 0, 0,
        List.of(new ConsumerStats("c", pending, 5)));
    PartitionStats p = new PartitionStats(0, "bus:{t:0}", added, added, null, null, 0, 0, List.of(g));
    return new TopicStats("t", t, List.of(p));
  }

  private GroupSample next(long t, long added, long lag, long pending, long entriesRead, long ageMs) {
    return tracker.next(at(t, added, lag, pending, entriesRead, ageMs)).groups().get(0);
  }

  @Test
  void firstSampleHasNoRates() {
    TopicSample first = tracker.next(at(0, 10, 0, 0, 10, 0));

    assertThat(first.rateIn()).isNull();
    assertThat(first.groups().get(0).deliveredRate()).isNull();
    assertThat(first.groups().get(0).ackedRate()).isNull();
  }

  @Test
  void ratesAreDeltasOverTheTimeBetweenSamples() {
    tracker.next(at(0, 100, 0, 0, 100, 0));
    TopicSample s = tracker.next(at(2_000, 500, 40, 60, 460, 10));

    assertThat(s.rateIn()).isEqualTo(200.0);
    assertThat(s.groups().get(0).deliveredRate()).isEqualTo(180.0);
    assertThat(s.groups().get(0).ackedRate()).as("(360 delivered - 60 more pending) / 2 s").isEqualTo(150.0);
  }

  @Test
  void deliveredFallsBackToAddedMinusLagWithoutEntriesRead() {
    tracker.next(at(0, 100, 10, 0, -1, 0));
    GroupSample g = next(1_000, 150, 20, 0, -1, 0);

    assertThat(g.deliveredRate()).as("(150 - 20) - (100 - 10)").isEqualTo(40.0);
  }

  @Test
  void nothingIsDeliveredWhileTheLastDeliveredIdStaysPut() {
    GroupStats g0 = new GroupStats("g", 10, 0, "5-0", -1, 0, 0, 0, List.of());
    GroupStats g1 = new GroupStats("g", 12, 0, "5-0", -1, 0, 0, 0, List.of());
    tracker.next(new TopicStats("t", 0, List.of(new PartitionStats(0, "s", 15, 15, null, null, 0, 0, List.of(g0)))));
    // Entries added and lag come from two replies: a producer between them makes added - lag move.
    TopicSample s = tracker.next(new TopicStats("t", 1_000,
        List.of(new PartitionStats(0, "s", 20, 20, null, null, 0, 0, List.of(g1)))));

    assertThat(s.groups().get(0).deliveredRate()).isZero();
  }

  @Test
  void deliveredIsSummedOverPartitions() {
    GroupStats a0 = new GroupStats("g", 0, 0, "1-0", 10, 0, 0, 0, List.of());
    GroupStats b0 = new GroupStats("g", 0, 0, "1-0", 20, 0, 0, 0, List.of());
    GroupStats a1 = new GroupStats("g", 0, 0, "2-0", 15, 0, 0, 0, List.of());
    GroupStats b1 = new GroupStats("g", 0, 0, "2-0", 27, 0, 0, 0, List.of());
    tracker.next(new TopicStats("t", 0, List.of(new PartitionStats(0, "s0", 10, 10, null, null, 0, 0, List.of(a0)),
        new PartitionStats(1, "s1", 20, 20, null, null, 0, 0, List.of(b0)))));
    TopicSample s = tracker.next(new TopicStats("t", 1_000,
        List.of(new PartitionStats(0, "s0", 15, 15, null, null, 0, 0, List.of(a1)),
            new PartitionStats(1, "s1", 27, 27, null, null, 0, 0, List.of(b1)))));

    assertThat(s.groups().get(0).deliveredRate()).isEqualTo(12.0);
  }

  @Test
  void ratesNeverGoNegative() {
    tracker.next(at(0, 100, 0, 50, 100, 0));
    TopicSample s = tracker.next(at(1_000, 100, 0, 0, 90, 0));

    assertThat(s.rateIn()).isZero();
    assertThat(s.groups().get(0).deliveredRate()).isZero();
    assertThat(s.groups().get(0).ackedRate()).isEqualTo(50.0);
  }

  @Test
  void groupWithoutBacklogOrTrafficIsIdle() {
    assertThat(next(0, 10, 0, 0, 10, 0).state()).isEqualTo(GroupState.IDLE);
    assertThat(next(1_000, 10, 0, 0, 10, 0).state()).isEqualTo(GroupState.IDLE);
  }

  @Test
  void groupThatKeepsUpIsOk() {
    next(0, 100, 0, 0, 100, 0);
    assertThat(next(1_000, 200, 2, 1, 198, 3).state()).isEqualTo(GroupState.OK);
    assertThat(next(2_000, 300, 5, 1, 295, 4).state()).as("lag jitters, entries stay fresh").isEqualTo(GroupState.OK);
  }

  @Test
  void groupWhoseLagGrowsAndAgesIsFallingBehind() {
    next(0, 100, 0, 0, 100, 0);
    next(1_000, 200, 50, 0, 150, 1_000);
    assertThat(next(2_000, 300, 100, 0, 200, 2_500).state()).isEqualTo(GroupState.FALLING_BEHIND);
  }

  @Test
  void groupCatchingUpIsOk() {
    next(0, 100, 500, 0, 0, 9_000);
    assertThat(next(1_000, 100, 300, 0, 200, 8_000).state()).isEqualTo(GroupState.OK);
  }

  @Test
  void groupWithBacklogAndNoProgressForTheWholeWindowIsStalled() {
    next(0, 100, 30, 5, 70, 9_000);
    next(1_000, 100, 30, 5, 70, 10_000);
    next(2_000, 100, 30, 5, 70, 11_000);
    assertThat(next(3_000, 100, 30, 5, 70, 12_000).state()).as("3 intervals without progress")
        .isEqualTo(GroupState.STALLED);
    assertThat(next(4_000, 110, 30, 5, 80, 1_000).state()).as("progress again").isNotEqualTo(GroupState.STALLED);
  }

  @Test
  void pendingOnlyBacklogWithoutAcksIsStalled() {
    for (int i = 0; i < 3; i++) {
      next(i * 1_000L, 100, 0, 7, 100, 0);
    }
    assertThat(next(3_000, 100, 0, 7, 100, 0).state()).isEqualTo(GroupState.STALLED);
  }
}
