package io.streambus;

import io.vertx.core.Future;

/**
 * Turns a message into the Redis writes it causes on a read model ({@link StreamBus#project}). The bus applies those
 * writes and the message's acknowledgement in one atomic step, and only while this subscription still holds the
 * message: its effect on the model is exactly once, however often the message is delivered.
 *
 * <p>Add the writes to {@code writes} and complete the future; nothing is written before it succeeds. A failed future
 * (or a throw) is a handler failure: nothing is written, and the message is retried or dead-lettered as
 * {@link MessageHandler} says. Writes the bus refuses ({@link BusException.InvalidWrite}) dead-letter the message with
 * the reason, even if the projection caught the exception and went on.
 *
 * <p>The projection may read Redis (or anything else) to compute the writes, but such reads are not part of the
 * atomic step: with {@link Ordering#NONE} another message may change the model in between. Prefer writes that do not
 * depend on what they overwrite (increments, set members), or ordered processing ({@link Ordering#KEY} for a model
 * per key, {@link Ordering#PARTITION} otherwise) for writes whose order matters (a {@code SET} of the latest state).
 */
@FunctionalInterface
public interface Projection {

  /**
   * @param writes an empty set of writes for this delivery; valid until the returned future completes
   */
  Future<Void> apply(Message message, ModelWrites writes);
}
