package io.streambus.impl.consume;

import io.streambus.impl.wire.MoveDueScript;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves due delayed messages into their streams and claims retries that are due, every {@value #PERIOD_MS} ms and at
 * each retry's due time. Used from the subscription's context only.
 */
final class DueLoop implements Settlement.RetryDue {
  /** Claims a partition's retries that are due in the group's retry set (ordered processing retries in place). */
  interface DueRetries {
    /** With ordered processing nothing goes through the retry set: nothing to claim. */
    DueRetries NONE = partition -> Future.succeededFuture();

    Future<?> claim(int partition);
  }

  static final long PERIOD_MS = 250;
  private static final int MOVE_BATCH = 100;

  private final ConsumerScope scope;
  private final DueRetries retries;
  private final RunState state;
  private final Periodic periodic;
  private long nextTimer = -1;
  private long nextAt = Long.MAX_VALUE;
  private boolean stopped;

  DueLoop(ConsumerScope scope, DueRetries retries, RunState state) {
    this.scope = scope;
    this.retries = retries;
    this.state = state;
    this.periodic = new Periodic(scope.vertx, PERIOD_MS, this::tick);
  }

  void start() {
    periodic.start();
  }

  void stop() {
    stopped = true;
    periodic.stop();
    if (nextTimer >= 0) {
      scope.vertx.cancelTimer(nextTimer);
    }
  }

  /** A retry becomes due at {@code at} (epoch ms): run then rather than at the next period. */
  @Override
  public void accept(long at) {
    if (stopped || at >= nextAt) {
      return;
    }
    if (nextTimer >= 0) {
      scope.vertx.cancelTimer(nextTimer);
    }
    nextAt = at;
    nextTimer = scope.vertx.setTimer(Math.max(1, at - System.currentTimeMillis() + 1), t -> {
      nextTimer = -1;
      nextAt = Long.MAX_VALUE;
      periodic.runNow();
    });
  }

  private Future<?> tick() {
    if (state.paused()) {
      return Future.succeededFuture();
    }
    List<Future<?>> all = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(new MoveDueScript(scope.delayed(p), scope.stream(p), now, MOVE_BATCH)
          .run(scope.commands, scope.deadline()));
      all.add(retries.claim(p));
    }
    return Future.join(all);
  }
}
