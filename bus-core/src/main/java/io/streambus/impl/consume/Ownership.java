package io.streambus.impl.consume;

import io.streambus.impl.wire.AcquireScript;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.ReleaseScript;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ordered processing: which partitions this subscription owns. The live members of the group (from the lease
 * renewals) spread the partitions evenly: with P partitions and n members, the first P mod n members by name own
 * ceil(P/n) and the others floor(P/n); members beyond P stand by. After each renewal a member that owns fewer than its
 * share takes one partition that nobody owns (acquire.lua: SET NX with a time to live its renewals extend), and one
 * that owns more gives one up, cleanly: it stops reading it, hands back what waits for its turn, lets the handlers
 * that run finish (the next owner must not start before them, or a key's order would break), then releases it. A new
 * owner first takes over every entry pending on the partition, in id order (adopt.lua), then reads new ones. A dead
 * owner's partitions move once its ownership runs out (the claim min idle). Used from the subscription's context only.
 */
final class Ownership {
  enum State { NONE, OWNED, RELEASING }

  /** What ownership needs from the rest of the subscription, per partition. */
  interface Partitions {
    /** Start reading (adopting first) a partition just acquired. */
    void start(int partition);

    /** Stop reading a partition; the future completes when no read of it is outstanding. */
    Future<Void> stop(int partition);

    /** Hand back what of the partition waits for its turn (not started), and complete when it is settled. */
    Future<Void> handBackWaiting(int partition);

    /** True when nothing of the partition is taking its turn, waiting, or being settled. */
    boolean idle(int partition);
  }

  private final ConsumerScope scope;
  private final Leases leases;
  private final Partitions partitions;
  private final State[] states;
  /** When each partition was last acquired (System.nanoTime): renewals sent before it do not know yet. */
  private final long[] acquiredAt;
  private boolean busy;
  private boolean stopped;

  Ownership(ConsumerScope scope, Leases leases, Partitions partitions) {
    this.scope = scope;
    this.leases = leases;
    this.partitions = partitions;
    this.states = new State[scope.partitions];
    this.acquiredAt = new long[scope.partitions];
    Arrays.fill(states, State.NONE);
  }

  /** True while {@code partition} is owned and not being given up: in-place retries go on only then. */
  boolean active(int partition) {
    return !stopped && states[partition] == State.OWNED;
  }

  /** The partitions owned now (releasing included). */
  List<Integer> owned() {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < states.length; p++) {
      if (states[p] != State.NONE) {
        out.add(p);
      }
    }
    return out;
  }

  /** After each lease renewal: notice ownership lost, then take or give up one partition to approach the share. */
  void renewed() {
    if (stopped || busy) {
      return;
    }
    for (int p = 0; p < states.length; p++) {
      // the commands channel keeps order: a renewal sent after the acquisition saw it
      if (states[p] != State.NONE && leases.renewedAtNanos() - acquiredAt[p] > 0
          && !scope.consumer.equals(leases.ownerOf(p))) {
        lost(p);
      }
    }
    List<String> members = leases.members();
    int rank = members.indexOf(scope.consumer);
    if (rank < 0) {
      return;
    }
    int n = members.size();
    int share = scope.partitions / n + (rank < scope.partitions % n ? 1 : 0);
    int owned = 0;
    for (State s : states) {
      if (s == State.OWNED) {
        owned++;
      }
    }
    if (owned > share) {
      for (int p = states.length - 1; p >= 0; p--) {
        if (states[p] == State.OWNED) {
          release(p);
          return;
        }
      }
    } else if (owned < share) {
      for (int p = 0; p < states.length; p++) {
        if (states[p] == State.NONE && leases.ownerOf(p).isEmpty()) {
          acquire(p);
          return;
        }
      }
    }
  }

  private void acquire(int partition) {
    busy = true;
    acquiredAt[partition] = System.nanoTime();
    new AcquireScript(scope.owner(partition), scope.consumer, scope.token, scope.options.getClaimMinIdleMs())
        .run(scope.commands, scope.deadline()).onComplete(ar -> {
          busy = false;
          if (ar.failed()) {
            scope.listener.onRedisError(scope.stream(partition), "acquire partition", ar.cause());
          } else if (ar.result() == Outcome.DONE && !stopped) {
            states[partition] = State.OWNED;
            partitions.start(partition);
          }
        });
  }

  private void release(int partition) {
    busy = true;
    states[partition] = State.RELEASING;
    partitions.stop(partition)
        .transform(x -> partitions.handBackWaiting(partition))
        .onComplete(x -> awaitIdle(partition));
  }

  /** Releases once nothing of the partition runs or waits: the next owner must not start before it is done. */
  private void awaitIdle(int partition) {
    if (!partitions.idle(partition)) {
      scope.vertx.setTimer(Math.max(10, leases.periodMs() / 4), t -> awaitIdle(partition));
      return;
    }
    new ReleaseScript(scope.owner(partition), scope.consumer, scope.token).run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          busy = false;
          if (ar.failed()) {
            scope.listener.onRedisError(scope.stream(partition), "release partition", ar.cause());
          }
          states[partition] = State.NONE;
        });
  }

  /** The owner key no longer names this subscription (it paused past its lease): everything of it is lost. */
  private void lost(int partition) {
    states[partition] = State.NONE;
    partitions.stop(partition);
    for (DefaultMessage m : leases.messages(partition)) {
      leases.lose(partition, m.id().value(), "partition " + partition + " has another owner now");
    }
  }

  /** Stops taking partitions (close begins). */
  void stop() {
    stopped = true;
  }

  /** Gives up every owned partition (close, once reading stopped and handlers are done or given up on). */
  Future<Void> releaseAll() {
    stopped = true;
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < states.length; p++) {
      if (states[p] != State.NONE) {
        states[p] = State.NONE;
        all.add(new ReleaseScript(scope.owner(p), scope.consumer, scope.token).run(scope.commands, scope.deadline()));
      }
    }
    return Future.join(all).mapEmpty();
  }
}
