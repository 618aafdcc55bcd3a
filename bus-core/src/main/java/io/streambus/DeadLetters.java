package io.streambus;

import io.vertx.core.Future;

/**
 * The dead letters of one topic: messages that failed {@link ConsumerOptions#getMaxDeliveries()} times, failed with
 * {@link BusException.NonRetryable}, or could not be decoded. Each partition has its own dead-letter stream
 * ({@code <prefix>:{<topic>:<p>}:dlq}); a dead letter keeps the original entry's fields and records why, where from
 * and when it died.
 */
public interface DeadLetters {

  /** Dead letters in all partitions. */
  Future<Long> count();

  /**
   * A page of dead letters, oldest first, over all partitions.
   *
   * @param cursor null for the first page, else {@link DeadLetterPage#nextCursor()} of the previous page
   * @param limit 1..1000
   */
  Future<DeadLetterPage> list(String cursor, int limit);

  /** One dead letter, or null when there is none with that reference. */
  Future<DeadLetter> get(String ref);

  /**
   * Re-delivers a dead letter to the group that failed it, and only to that group: the original fields are appended
   * to the source stream with the target group recorded (other groups skip it), and the dead letter is removed, in
   * one atomic step. Delivery counting starts afresh.
   *
   * @return the new message id, or null when no dead letter has that reference
   */
  Future<MessageId> replay(String ref);

  /** Deletes one dead letter; true when it existed. */
  Future<Boolean> delete(String ref);

  /** Deletes every dead letter of the topic; returns how many. */
  Future<Long> purge();
}
