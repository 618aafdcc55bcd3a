package io.streambus.impl.consume;

import io.streambus.impl.wire.MoveDueScript;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Moves due delayed messages into their streams and claims retries that are due, every {@value #PERIOD_MS} ms and at
 * each retry's due time. Used from the subscription's context only.
 */
final class DueLoop {
  static final long PERIOD_MS = 250;
  private static final int MOVE_BATCH = 100;

  private final ConsumerScope scope;
  private final Claimer claimer;
  private final BooleanSupplier paused;
  private final Periodic periodic;
  private long nextTimer = -1;
  private long nextAt = Long.MAX_VALUE;
  private boolean stopped;

  DueLoop(ConsumerScope scope, Claimer claimer, BooleanSupplier paused) {
    this.scope = scope;
    this.claimer = claimer;
    this.paused = paused;
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
  void dueAt(long at) {
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
    if (paused.getAsBoolean()) {
      return Future.succeededFuture();
    }
    List<Future<?>> all = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(new MoveDueScript(scope.delayed(p), scope.stream(p), now, MOVE_BATCH)
          .run(scope.commands, scope.deadline()));
      if (!scope.ordered) {
        // ordered processing retries in place: nothing goes through the retry set
        all.add(claimer.claim(p, "due", 0));
      }
    }
    return Future.join(all);
  }
}
