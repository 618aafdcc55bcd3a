package io.streambus.impl.consume;

import io.streambus.impl.wire.Replies;
import io.streambus.impl.wire.Scripts;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Claims pending entries for free handler slots (claim.lua; its header explains the modes) and hands them to the
 * {@link Intake}. Used by the due-retry loop and the reclaim loop.
 */
final class Claimer {
  private static final int CLAIM_BATCH = 100;

  private final ConsumerScope scope;
  private final Intake intake;
  private final Budget slots;
  /** The ids of a partition this subscription holds: never claimed (they are being worked on here). */
  private final Leases leases;

  Claimer(ConsumerScope scope, Intake intake, Budget slots, Leases leases) {
    this.scope = scope;
    this.intake = intake;
    this.slots = slots;
    this.leases = leases;
  }

  /**
   * Ordered processing: the owner of {@code partition} takes over up to {@code n} entries pending in the group on it
   * (adopt.lua), in id order, and hands them to the intake. The future gives how many it took, or -1 when the
   * partition is not ours.
   */
  Future<Integer> adopt(int partition, int n) {
    String stream = scope.stream(partition);
    List<Object> args = new ArrayList<>(List.of(scope.group, scope.consumer, scope.token, n));
    args.addAll(leases.ids(partition));
    long sentAt = System.nanoTime();
    return Scripts.ADOPT.run(scope.commands, scope.deadline(),
        List.of(stream, scope.owner(partition), scope.moved(partition)), args.toArray()).map(reply -> {
          if (reply.get(0).toInteger() == -2) {
            return -1;
          }
          Replies.Claimed claimed = Replies.claimed(reply);
          if (claimed.trimmed() > 0) {
            scope.meters.pendingTrimmed.increment(claimed.trimmed());
          }
          if (!claimed.entries().isEmpty()) {
            scope.meters.reclaimed.increment(claimed.entries().size());
            scope.listener.onReclaim(stream, claimed.entries().size(), claimed.trimmed());
          }
          for (Replies.Entry e : claimed.entries()) {
            intake.accept(partition, e.id(), e.fields(), e.deliveries(), sentAt);
          }
          return claimed.entries().size() + claimed.trimmed();
        });
  }

  /** Claims for as many free slots as there are (at most a batch) in {@code mode}: 'due', 'stale' or 'own'. */
  Future<Void> claim(int partition, String mode, long minIdleMs) {
    int n = Math.min(CLAIM_BATCH, slots.freeForClaim());
    if (n == 0) {
      return Future.succeededFuture();
    }
    String stream = scope.stream(partition);
    List<Object> args = new ArrayList<>(List.of(scope.group, scope.consumer, mode, n, System.currentTimeMillis(),
        minIdleMs));
    if (!mode.equals("due")) {
      // only 'own' and 'stale' look at what this subscription holds; a due retry is never held
      args.addAll(leases.ids(partition));
    }
    long sentAt = System.nanoTime();
    return Scripts.CLAIM.run(scope.commands, scope.deadline(),
            List.of(stream, scope.retries(partition), scope.moved(partition)), args.toArray())
        .onComplete(ar -> {
          if (ar.failed()) {
            scope.listener.onRedisError(stream, "claim " + mode, ar.cause());
            return;
          }
          Replies.Claimed claimed = Replies.claimed(ar.result());
          if (claimed.trimmed() > 0) {
            scope.meters.pendingTrimmed.increment(claimed.trimmed());
          }
          if (!mode.equals("due") && (claimed.entries().size() > 0 || claimed.trimmed() > 0)) {
            scope.meters.reclaimed.increment(claimed.entries().size());
            scope.listener.onReclaim(stream, claimed.entries().size(), claimed.trimmed());
          }
          for (Replies.Entry e : claimed.entries()) {
            intake.accept(partition, e.id(), e.fields(), e.deliveries(), sentAt);
          }
        }).mapEmpty();
  }
}
