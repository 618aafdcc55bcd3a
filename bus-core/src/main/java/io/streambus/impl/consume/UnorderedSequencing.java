package io.streambus.impl.consume;

import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * No ordering: every partition is read from the start, messages go straight to the slots, a failed one is retried
 * through the group's retry set (any member claims it once due), and a lost read reply's entries are taken back by
 * the reader before its next read. Used from the subscription's context only.
 */
final class UnorderedSequencing implements Sequencing {
  private final ConsumerScope scope;
  private final Slots slots;
  private final List<PartitionReader> readers;

  /** @param readers the partitions' readers (the wiring adds them before the subscription starts) */
  UnorderedSequencing(ConsumerScope scope, Slots slots, List<PartitionReader> readers) {
    this.scope = scope;
    this.slots = slots;
    this.readers = readers;
  }

  @Override
  public Intake.Handlers handlers() {
    return slots;
  }

  @Override
  public PartitionReader.Pending pending(Claimer claimer) {
    return new PartitionReader.Pending() {
      @Override
      public boolean adoptFirst() {
        return false;
      }

      @Override
      public Future<Integer> adopt(int partition, int n) {
        throw new IllegalStateException("only ordered processing adopts a partition's pending entries");
      }

      @Override
      public boolean lostReply(int partition) {
        return false;
      }

      @Override
      public Future<Replies.Claimed> recover(int partition, String afterId, int n) {
        return claimer.recoverLostRead(partition, afterId, n);
      }
    };
  }

  @Override
  public DueLoop.DueRetries dueRetries(Claimer claimer) {
    return partition -> claimer.claim(partition, "due", 0);
  }

  @Override
  public void start(ReclaimLoop reclaim, long othersMinIdleMs) {
    readers.forEach(PartitionReader::start);
    // joining with a smaller claim min idle than the others: they renew at the new pace from their next renewal
    long own = scope.options.getClaimMinIdleMs();
    reclaim.start(othersMinIdleMs > own ? othersMinIdleMs / Leases.RENEWALS_PER_IDLE + DueLoop.PERIOD_MS : 0);
  }

  @Override
  public void done(DefaultMessage message) {
  }

  @Override
  public Settlement.Retry retry(int partition) {
    return Settlement.Retry.SCHEDULE;
  }

  @Override
  public void dispatch(DefaultMessage message) {
    throw new IllegalStateException("only ordered processing retries in place");
  }

  @Override
  public void renewed() {
  }

  @Override
  public void stop() {
  }

  @Override
  public List<DefaultMessage> takeWaiting() {
    return new ArrayList<>();
  }

  @Override
  public Future<Void> releaseAll() {
    return Future.succeededFuture();
  }
}
