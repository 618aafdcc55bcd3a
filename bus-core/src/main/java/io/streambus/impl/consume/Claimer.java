package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.connection.ServiceLimits;
import io.streambus.impl.wire.AdoptScript;
import io.streambus.impl.wire.ClaimScript;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;

import java.util.List;

/**
 * Claims pending entries for free handler slots (claim.lua; its header explains the modes) and hands them to the
 * {@link Intake}. Used by the due-retry loop and the reclaim loop.
 */
final class Claimer {
  private static final int CLAIM_BATCH = 100;
  /** The most held ids a claim or adoption step names, its name, keys and fixed arguments within MAX_ARGUMENTS. */
  static final int MAX_HELD_ARGS = ServiceLimits.MAX_ARGUMENTS - 20;

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
    List<String> held = leases.ids(partition);
    if (held.size() > MAX_HELD_ARGS) {
      // fails, so the reader backs off and adopts again once handlers and acknowledgements have settled some
      return Future.failedFuture(new BusException("partition " + partition + " holds " + held.size()
          + " entries, more than an adoption step can name (" + MAX_HELD_ARGS + "): ElastiCache Serverless refuses"
          + " requests of more than " + ServiceLimits.MAX_ARGUMENTS + " arguments"));
    }
    long sentAt = System.nanoTime();
    return new AdoptScript(stream, scope.owner(partition), scope.moved(partition), scope.group, scope.consumer,
        scope.token, n, held).run(scope.commands, scope.deadline()).map(claimed -> {
          if (claimed.outcome() == Outcome.NOT_OURS) {
            return -1;
          }
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
    // only 'own' and 'stale' look at what this subscription holds; a due retry is never held
    List<String> held = mode.equals("due") ? List.of() : leases.ids(partition);
    if (held.size() > MAX_HELD_ARGS) {
      // too many to name in one request (ElastiCache Serverless refuses more than 3,999 arguments): claimed again at
      // a later round, when fewer are held; a peer holding fewer claims them meanwhile
      return Future.succeededFuture();
    }
    long sentAt = System.nanoTime();
    return new ClaimScript(stream, scope.retries(partition), scope.moved(partition), scope.group, scope.consumer,
            ClaimScript.Mode.named(mode), n, System.currentTimeMillis(), minIdleMs, held)
        .run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          if (ar.failed()) {
            scope.listener.onRedisError(stream, "claim " + mode, ar.cause());
            return;
          }
          Replies.Claimed claimed = ar.result();
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
