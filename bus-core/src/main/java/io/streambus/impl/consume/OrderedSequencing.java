package io.streambus.impl.consume;

import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;

import java.util.List;

/**
 * Ordered processing ({@code Ordering.KEY} / {@code PARTITION}): a partition is read only by its owner
 * ({@link Ownership}), which first adopts what is pending on it; one message per key (or partition) at a time goes
 * through to the slots ({@link OrderGate}); a failed message keeps its turn and is retried in place while the partition
 * is owned. Used from the subscription's context only.
 */
final class OrderedSequencing implements Sequencing {
  private final Slots slots;
  private final OrderGate gate;
  private final Ownership ownership;

  /** @param readers the partitions' readers (the wiring adds them before the subscription starts) */
  OrderedSequencing(ConsumerScope scope, Leases leases, Settlement settlement, Slots slots,
                    List<PartitionReader> readers) {
    this.slots = slots;
    this.gate = new OrderGate(scope.options.getOrdering(), slots);
    this.ownership = new Ownership(scope, leases, new OwnedPartitions(leases, settlement, readers));
  }

  /** What ownership starts, stops and waits for, per partition. */
  private final class OwnedPartitions implements Ownership.Partitions {
    private final Leases leases;
    private final Settlement settlement;
    private final List<PartitionReader> readers;

    OwnedPartitions(Leases leases, Settlement settlement, List<PartitionReader> readers) {
      this.leases = leases;
      this.settlement = settlement;
      this.readers = readers;
    }

    @Override
    public void start(int partition) {
      readers.get(partition).start();
    }

    @Override
    public Future<Void> stop(int partition) {
      return readers.get(partition).stop();
    }

    @Override
    public Future<Void> handBackWaiting(int partition) {
      return settlement.handBack(gate.takeWaiting(partition));
    }

    @Override
    public boolean idle(int partition) {
      return gate.idle(partition) && leases.messages(partition).isEmpty();
    }
  }

  @Override
  public Intake.Handlers handlers() {
    return gate;
  }

  @Override
  public PartitionReader.Pending pending(Claimer claimer) {
    return new PartitionReader.Pending() {
      @Override
      public boolean adoptFirst() {
        return true;
      }

      @Override
      public Future<Integer> adopt(int partition, int n) {
        return claimer.adopt(partition, n);
      }

      @Override
      public boolean lostReply(int partition) {
        return true;
      }

      @Override
      public Future<Replies.Claimed> recover(int partition, String afterId, int n) {
        throw new IllegalStateException("ordered processing adopts what a lost read handed over");
      }
    };
  }

  @Override
  public DueLoop.DueRetries dueRetries(Claimer claimer) {
    // retries in place: nothing goes through the retry set
    return DueLoop.DueRetries.NONE;
  }

  /** Partitions are read by their owners only, and a new owner adopts what is pending first. */
  @Override
  public void start(ReclaimLoop reclaim, long othersMinIdleMs) {
    ownership.renewed();
  }

  @Override
  public void done(DefaultMessage message) {
    gate.done(message);
  }

  @Override
  public Settlement.Retry retry(int partition) {
    return ownership.active(partition) ? Settlement.Retry.IN_PLACE : Settlement.Retry.LEAVE;
  }

  @Override
  public void dispatch(DefaultMessage message) {
    slots.submit(message);
  }

  @Override
  public void renewed() {
    ownership.renewed();
  }

  @Override
  public void stop() {
    ownership.stop();
  }

  @Override
  public List<DefaultMessage> takeWaiting() {
    return gate.takeWaiting(-1);
  }

  @Override
  public Future<Void> releaseAll() {
    return ownership.releaseAll();
  }
}
