package io.streambus;

import io.vertx.core.Future;

/**
 * A running consumer-group membership created by {@link StreamBus#subscribe}.
 */
public interface Subscription {

  String topic();

  String group();

  /** The consumer name this subscription uses in the group (unique per subscription). */
  String consumerName();

  /** Handler calls currently outstanding (never more than {@link ConsumerOptions#getMaxInFlight()}). */
  int inFlight();

  /** Stops reading new messages; in-flight handlers run on. Reclaim and retries stop too. */
  void pause();

  /** Resumes reading after {@link #pause()}. */
  void resume();

  boolean isClosed();

  /**
   * Drains and leaves: stops reading, waits for in-flight handlers up to {@link ConsumerOptions#getCloseTimeoutMs()},
   * flushes acknowledgements, and removes the consumer from the group when it holds no pending message. Messages not
   * finished by the deadline stay pending and are reclaimed by peers after {@link ConsumerOptions#getClaimMinIdleMs()}.
   * Idempotent; never fails (problems go to the listener).
   */
  Future<Void> close();
}
