package io.streambus.impl.consume;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes over messages that sat pending on any consumer of the group, this one included, for longer than the claim min
 * idle: their holder died or stalled, since live holders renew their leases. Also recovers this consumer's own pending
 * entries at start (a restart under a fixed name). Used from the subscription's context only.
 */
final class ReclaimLoop {
  private final ConsumerScope scope;
  private final Claimer claimer;
  private final RunState state;
  private final Periodic periodic;
  private long staleNotBefore;

  ReclaimLoop(ConsumerScope scope, Claimer claimer, RunState state) {
    this.scope = scope;
    this.claimer = claimer;
    this.state = state;
    this.periodic = new Periodic(scope.vertx, scope.options.getReclaimIntervalMs(), this::tick);
  }

  /**
   * Starts with this consumer's own pending entries; stale ones are claimed from {@code staleDelayMs} on (a member
   * that joins with a smaller claim min idle than the others waits until they renew at its pace).
   */
  void start(long staleDelayMs) {
    staleNotBefore = System.currentTimeMillis() + staleDelayMs;
    for (int p = 0; p < scope.partitions; p++) {
      claimer.claim(p, "own", 0);
    }
    periodic.start();
    periodic.runNow();
  }

  void stop() {
    periodic.stop();
  }

  private Future<?> tick() {
    if (state.paused() || System.currentTimeMillis() < staleNotBefore) {
      return Future.succeededFuture();
    }
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(claimer.claim(p, "stale", scope.options.getClaimMinIdleMs()));
    }
    return Future.join(all);
  }
}
