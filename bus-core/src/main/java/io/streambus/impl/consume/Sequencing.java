package io.streambus.impl.consume;

import io.vertx.core.Future;

import java.util.List;

/**
 * How a subscription's messages take their turns and its partitions are read, chosen once at subscribe time:
 * {@link UnorderedSequencing} (every partition read at once, retries through the group's retry set) or
 * {@link OrderedSequencing} ({@code Ordering.KEY} / {@code PARTITION}: {@link Ownership}, {@link OrderGate}, adoption,
 * retries in place). The units see only the part they ask for; none of them asks which mode it is.
 */
interface Sequencing extends Settlement.Turns {
  /** Where the intake sends a message for its handler. */
  Intake.Handlers handlers();

  /** What the readers do with entries pending on this consumer that no read brought. */
  PartitionReader.Pending pending(Claimer claimer);

  /** What the due loop claims of the group's retry set. */
  DueLoop.DueRetries dueRetries(Claimer claimer);

  /**
   * Starts reading, once the subscription joined its group.
   *
   * @param othersMinIdleMs the smallest claim min idle among the other live members, or -1
   */
  void start(ReclaimLoop reclaim, long othersMinIdleMs);

  /** After each lease renewal that reached every partition. */
  void renewed();

  /** Close begins: nothing new is taken on. */
  void stop();

  /** Removes and returns the messages waiting for their turn, not started (close hands them back). */
  List<DefaultMessage> takeWaiting();

  /** Close ends: gives up what this subscription holds beyond its entries. */
  Future<Void> releaseAll();
}
