package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.connection.ServiceLimits;
import io.streambus.impl.wire.AdoptScript;
import io.streambus.impl.wire.ClaimScript;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;

import java.util.List;
import java.util.Locale;

/**
 * Claims pending entries for free handler slots (claim.lua; its header explains the modes) and hands them to the
 * {@link Intake}. Used by the due-retry loop, the reclaim loop and (after a lost read reply) the partition readers.
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
  /** This subscription's claims so far: each claim's record key names its number. */
  private long claims;

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
    return run(partition, ClaimScript.Mode.named(mode), n, minIdleMs, null).mapEmpty();
  }

  /**
   * A read of {@code partition} lost its reply: takes back up to {@code n} of the entries it handed to this consumer
   * (newer than {@code afterId}, the newest its reads brought, null for none; delivered once), without counting a
   * delivery, and hands them to the intake. Run by the reader before its next read, so that no read is on its way.
   */
  Future<Replies.Claimed> recoverLostRead(int partition, String afterId, int n) {
    return run(partition, ClaimScript.Mode.LOST, n, 0, afterId);
  }

  private Future<Replies.Claimed> run(int partition, ClaimScript.Mode mode, int n, long minIdleMs, String afterId) {
    String stream = scope.stream(partition);
    // what this subscription holds is never claimed: being worked on here, or (a due retry) its retry step's reply
    // still on its way
    List<String> held = leases.ids(partition);
    if (held.size() > MAX_HELD_ARGS) {
      // too many to name in one request (ElastiCache Serverless refuses more than 3,999 arguments): claimed again at
      // a later round, when fewer are held; a peer holding fewer claims them meanwhile
      return Future.succeededFuture(new Replies.Claimed(Outcome.DONE, 0, List.of()));
    }
    long sentAt = System.nanoTime();
    // the bus sends a claim again after a lost reply until its deadline: its record must outlast that
    long keepMs = 2 * scope.commandTimeoutMs() + 1_000;
    String name = mode.name().toLowerCase(Locale.ROOT);
    return new ClaimScript(stream, scope.retries(partition), scope.moved(partition),
            scope.claimRecord(partition, ++claims), scope.group, scope.consumer, mode, n, System.currentTimeMillis(),
            minIdleMs, afterId, keepMs, held)
        .run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          if (ar.failed()) {
            scope.listener.onRedisError(stream, "claim " + name, ar.cause());
            return;
          }
          Replies.Claimed claimed = ar.result();
          if (claimed.trimmed() > 0) {
            scope.meters.pendingTrimmed.increment(claimed.trimmed());
          }
          if (mode != ClaimScript.Mode.DUE && (claimed.entries().size() > 0 || claimed.trimmed() > 0)) {
            scope.meters.reclaimed.increment(claimed.entries().size());
            scope.listener.onReclaim(stream, claimed.entries().size(), claimed.trimmed());
          }
          for (Replies.Entry e : claimed.entries()) {
            intake.accept(partition, e.id(), e.fields(), e.deliveries(), sentAt);
          }
        });
  }
}
