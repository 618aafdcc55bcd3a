package io.streambus.admin;

import io.streambus.ConsumerOptions;
import io.streambus.BusException;
import io.streambus.MessageId;

import io.vertx.core.Future;

/**
 * The dead letters of one topic: messages that failed {@link ConsumerOptions#getMaxDeliveries()} times, failed with
 * {@link BusException.NonRetryable}, or could not be decoded. Each partition has its own dead-letter stream
 * ({@code <prefix>:{<topic>:<p>}:dlq}); a dead letter keeps the original entry's fields and records why, where from
 * and when it died.
 */
public interface DeadLetters {
  /** Most dead letters one {@link #search} page examines per partition: {@value}. */
  int SEARCH_SCAN_LIMIT = 10_000;
  /** Most dead letters one {@link #replayAll} call examines, over all partitions: {@value}. */
  int REPLAY_SCAN_LIMIT = 100_000;
  /** Most dead letters one {@link #replayAll} call replays: {@value}. */
  int MAX_REPLAY = 10_000;
  /**
   * Most dead letters one Redis script run of {@link #search} or {@link #replayAll} examines: {@value}. Redis runs a
   * script to its end and serves nobody meanwhile; between runs it serves other clients.
   */
  int SCAN_BATCH = 200;

  /** Dead letters in all partitions. */
  Future<Long> count();

  /**
   * A page of dead letters, oldest first, over all partitions.
   *
   * @param cursor null for the first page, else {@link DeadLetterPage#nextCursor()} of the previous page
   * @param limit 1..1000
   */
  Future<DeadLetterPage> list(String cursor, int limit);

  /**
   * A page of the dead letters that match {@code filter}, in the order of {@link #list} (oldest first over all
   * partitions; the same as {@code list} when the filter is empty).
   *
   * <p>There is no index to search: each page examines the dead letters after the cursor inside Redis (only matches
   * travel), in script runs of at most {@value #SCAN_BATCH}, so a search over a huge dead-letter stream never holds
   * Redis for long, and stops after {@value #SEARCH_SCAN_LIMIT} per partition. A page may therefore hold fewer than
   * {@code limit} matches, even none, while {@link DeadLetterPage#nextCursor()} is not null: continue with it until it
   * is null. Fails with an {@link IllegalArgumentException} for a null filter, a limit out of range or a cursor that is
   * not one.
   *
   * @param cursor null for the first page, else {@link DeadLetterPage#nextCursor()} of the previous page of the same
   *     search
   * @param limit 1..1000
   */
  Future<DeadLetterPage> search(DeadLetterFilter filter, String cursor, int limit);

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

  /**
   * Replays, as {@link #replay} does one by one, the dead letters that match {@code filter}: every dead letter of a
   * group ({@link DeadLetterFilter#withGroup}), the result of a search, or with {@link DeadLetterFilter#all()} every
   * dead letter of the topic.
   *
   * <p>Each dead letter goes back to the group recorded in it, the group whose handling failed it, and only to that
   * group (other groups acknowledge and skip the new entry); its delivery count starts afresh. Appending it to its
   * partition's stream and removing it from the dead letters happen in one atomic step. A dead letter that matches
   * but records no group (written by another tool), or whose group no longer exists on the stream (a replay would
   * reach nobody), is skipped: it stays in the dead letters and is counted in {@link DeadLetterReplay#skipped()}.
   *
   * <p>Bounded: one call examines at most {@value #REPLAY_SCAN_LIMIT} dead letters and replays at most {@code limit},
   * partition by partition and oldest first, in Redis script runs of at most {@value #SCAN_BATCH} dead letters each,
   * so Redis serves other clients between runs. When a bound stops it, {@link DeadLetterReplay#nextCursor()} says
   * where to continue; a huge list (a million dead letters, say) is replayed by calling again with each cursor until
   * it is null. A run covers, per partition, the dead letters present when it first reaches that partition: those
   * dead-lettered later, such as replays that fail again at once, wait for the next run rather than being replayed
   * round and round.
   *
   * <p>Fails with an {@link IllegalArgumentException} for a null filter, a limit out of range or a cursor that is not
   * one. A call that fails on the way (Redis unreachable, for one) may already have replayed some dead letters; as each
   * replay is atomic, the failure neither replays one twice nor loses one. Call again, from the last cursor received or
   * from the start (a new run).
   *
   * @param cursor null to start a run, else {@link DeadLetterReplay#nextCursor()} of the previous call of the same
   *     run (with the same filter)
   * @param limit 1..{@value #MAX_REPLAY}: most dead letters this call replays
   */
  Future<DeadLetterReplay> replayAll(DeadLetterFilter filter, String cursor, int limit);

  /** Deletes one dead letter; true when it existed. */
  Future<Boolean> delete(String ref);

  /** Deletes every dead letter of the topic; returns how many. */
  Future<Long> purge();
}
