package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.wire.DeadLetterScript;
import io.streambus.impl.wire.HandbackScript;
import io.streambus.impl.wire.LeaveScript;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.RedeliverScript;
import io.streambus.impl.wire.RetryScript;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Records each held message's fate in Redis: acknowledged, scheduled for another delivery, dead-lettered, or handed
 * back. Every step checks, in the same Lua step, that the entry is still pending on this consumer and that this
 * process still holds the consumer name: after a lost lease the peer that took the message over settles it, and
 * nothing here may acknowledge over it. Used from the subscription's context only.
 */
final class Settlement {
  private static final int MAX_ERROR_TEXT = 1000;
  /** Idle time given to handed-back entries: a day, beyond any claim min idle, so any peer takes them at once. */
  static final long HAND_BACK_IDLE_MS = 86_400_000;

  private final ConsumerScope scope;
  private final Leases leases;
  private final DeliveryPolicy policy;
  private final LongConsumer retryDueAt;
  private final AckBatcher acks;
  /** A projection's subscription: successes apply their writes with their acknowledgement. Else null. */
  private Projector projector;
  private Turns turns = Turns.NONE;

  /** Ordered processing: whose turn it is, and how a failed message is retried in place. */
  interface Turns {
    /** No ordering: no turns, retries are scheduled in the group's retry set. */
    Turns NONE = new Turns() {
      @Override
      public void done(DefaultMessage message) {
      }

      @Override
      public boolean retryInPlace(int partition) {
        return false;
      }

      @Override
      public void dispatch(DefaultMessage message) {
      }
    };

    /** The message has had its turn (it succeeded, was dead-lettered, lost, or left for the next owner). */
    void done(DefaultMessage message);

    /** True when a failed message of the partition is retried where it is (the partition is owned, not released). */
    boolean retryInPlace(int partition);

    /** Runs the next delivery of a message retried in place (its turn is still taken). */
    void dispatch(DefaultMessage message);
  }

  /**
   * @param retryDueAt told when a scheduled retry becomes due (epoch ms), so that it is claimed then
   */
  Settlement(Context context, ConsumerScope scope, Leases leases, DeliveryPolicy policy, LongConsumer retryDueAt) {
    this.scope = scope;
    this.leases = leases;
    this.policy = policy;
    this.retryDueAt = retryDueAt;
    this.acks = new AckBatcher(context, scope, scope.options.getAckBatchSize(), this::acked);
  }

  /** Ordered processing: turns and in-place retries (set once, before anything is delivered). */
  void use(Turns turns) {
    this.turns = turns;
  }

  /**
   * A projection's subscription: each success applies its writes and is acknowledged in one step (set once, before
   * anything is delivered) instead of a batched acknowledgement.
   */
  void project(Projector projector) {
    this.projector = projector;
  }

  /** A handler's outcome: null for success, else its error. A message whose lease was lost is left alone. */
  void outcome(DefaultMessage message, Throwable error) {
    if (!leases.owns(message)) {
      leases.release(message.partition(), message.id().value());
      turns.done(message);
      return;
    }
    if (error == null && projector != null) {
      applyWrites(message);
    } else if (error == null) {
      scope.meters.endToEnd(message.id().timestamp());
      acks.ack(message.partition(), message.id().value());
      turns.done(message);
    } else {
      failed(message, error);
    }
  }

  /** Acknowledges a held entry that must not reach the handler (replayed to another group). */
  void skip(int partition, String id) {
    scope.meters.skipped.increment();
    acks.ack(partition, id);
  }

  private void acked(int partition, List<String> ids, int acked, List<String> notOurs, int trimmed,
                     Throwable error) {
    if (error != null) {
      scope.listener.onRedisError(scope.stream(partition), "XACK", error);
    } else if (acked < 0) {
      leases.fence();
    } else {
      if (acked > 0) {
        scope.meters.acked.increment(acked);
      }
      // trimmed ids are not counted here: whoever acknowledged them (a reclaim) counted them
      for (String id : notOurs) {
        leases.lose(partition, id, "acknowledgement refused: the message is a peer's now");
      }
    }
    ids.forEach(id -> leases.release(partition, id));
  }

  /**
   * Applies a projection's writes with the acknowledgement. The message's turn (ordered processing) ends with the
   * step, not before: the next message of its key must see the model this one left. A failed step leaves the message
   * pending (its writes unapplied, or applied and acknowledged if only the reply was lost): its redelivery projects
   * it again, and the step applies the writes only if they were not.
   */
  private void applyWrites(DefaultMessage message) {
    int partition = message.partition();
    String id = message.id().value();
    projector.apply(message, message.writes()).onComplete(ar -> {
      if (ar.failed()) {
        scope.listener.onRedisError(scope.stream(partition), "project", ar.cause());
      } else {
        Projector.Result r = ar.result();
        switch (r.outcome()) {
          case APPLIED -> {
            scope.meters.endToEnd(message.id().timestamp());
            scope.meters.acked.increment();
          }
          case LOST -> leases.lose(partition, id, "projection refused: the message is a peer's now");
          case FENCED -> leases.fence();
          case INVALID -> {
            // nothing was written: dead-lettered as a non-retryable failure, which ends its turn and lets go of it
            failed(message, new BusException.InvalidWrite(r.reason()));
            return;
          }
          default -> {
            // DONE, GONE: settled already, nothing to do
          }
        }
      }
      leases.release(partition, id);
      turns.done(message);
    });
  }

  private void failed(DefaultMessage message, Throwable error) {
    scope.meters.failed.increment();
    long delay = policy.retryDelayMs(message.deliveryCount(), error);
    scope.listener.onHandlerFailure(message, error, delay >= 0);
    if (delay < 0) {
      deadLetter(message, message.deliveryCount(), error.getClass().getName(), String.valueOf(error.getMessage()))
          .onComplete(ar -> turns.done(message));
    } else if (turns == Turns.NONE) {
      scheduleRetry(message, delay);
    } else if (turns.retryInPlace(message.partition())) {
      scope.meters.retried.increment();
      scope.vertx.setTimer(Math.max(1, delay), t -> redeliver(message));
    } else {
      // the partition is being given up: the message stays pending, and the next owner adopts it in id order
      leases.release(message.partition(), message.id().value());
      turns.done(message);
    }
  }

  /**
   * The next delivery of a message retried in place: redeliver.lua checks it is still ours and counts the delivery
   * in Redis (so the limit holds across a crash), then it runs again, still holding its turn.
   */
  private void redeliver(DefaultMessage message) {
    int partition = message.partition();
    String id = message.id().value();
    if (!leases.owns(message) || !turns.retryInPlace(partition)) {
      leases.release(partition, id);
      turns.done(message);
      return;
    }
    new RedeliverScript(scope.stream(partition), scope.members(partition), scope.owner(partition), scope.group,
            scope.consumer, scope.token, id).run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          if (ar.failed()) {
            // not counted in Redis, so not run: retried after the backoff, as the delivery would have been
            scope.listener.onRedisError(scope.stream(partition), "redeliver", ar.cause());
            scope.vertx.setTimer(Math.max(1, policy.retryDelayMs(message.deliveryCount(), ar.cause())),
                t -> redeliver(message));
            return;
          }
          RedeliverScript.Reply r = ar.result();
          if (r.outcome() == Outcome.DONE) {
            DefaultMessage next = new DefaultMessage(message.id(), r.fields(), r.deliveries());
            leases.redelivered(next);
            turns.dispatch(next);
            return;
          }
          if (r.outcome() == Outcome.NOT_OURS) {
            leases.lose(partition, id, "retry refused: the message or its partition is a peer's now");
          } else if (r.outcome() == Outcome.FENCED) {
            leases.fence();
          } else {
            scope.meters.pendingTrimmed.increment();
          }
          leases.release(partition, id);
          turns.done(message);
        });
  }

  /**
   * Leaves the message pending and records when it may be delivered again in the group's retry set; any member of
   * the group claims it once due (this one need not survive). If the step fails, reclaim still recovers it.
   */
  private void scheduleRetry(DefaultMessage message, long delayMs) {
    int partition = message.partition();
    String id = message.id().value();
    long due = System.currentTimeMillis() + delayMs;
    new RetryScript(scope.stream(partition), scope.retries(partition), scope.members(partition), scope.group,
            scope.consumer, scope.token, id, due).run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          if (ar.failed()) {
            scope.listener.onRedisError(scope.stream(partition), "schedule retry", ar.cause());
          } else if (ar.result() == Outcome.DONE) {
            scope.meters.retried.increment();
            retryDueAt.accept(due);
          } else if (ar.result() == Outcome.NOT_OURS) {
            leases.lose(partition, id, "retry refused: the message is a peer's now");
          } else {
            leases.fence();
          }
          leases.release(partition, id);
        });
  }

  /**
   * Moves the message to the dead-letter stream, atomically with its acknowledgement, recording {@code deliveries}
   * (the deliveries that reached a handler or a consumer that died holding it). Failure leaves it pending for reclaim.
   */
  Future<Void> deadLetter(DefaultMessage message, int deliveries, String errorClass, String error) {
    int partition = message.partition();
    String id = message.id().value();
    String stream = scope.stream(partition);
    String text = error.length() > MAX_ERROR_TEXT ? error.substring(0, MAX_ERROR_TEXT) + "..." : error;
    return new DeadLetterScript(stream, scope.deadLetters(partition), scope.retries(partition),
            scope.members(partition), scope.settleOwner(partition), scope.group, id, scope.consumer, scope.token,
            deliveries, errorClass, text, System.currentTimeMillis()).run(scope.commands, scope.deadline())
        .onComplete(ar -> {
          if (ar.failed()) {
            scope.listener.onRedisError(stream, "dead-letter", ar.cause());
          } else {
            deadLettered(message, ar.result(), errorClass + ": " + text);
          }
          leases.release(partition, id);
        }).mapEmpty();
  }

  private void deadLettered(DefaultMessage message, DeadLetterScript.Reply reply, String reason) {
    int partition = message.partition();
    String id = message.id().value();
    switch (reply.outcome()) {
      case GONE -> scope.meters.pendingTrimmed.increment();
      case NOT_OURS -> leases.lose(partition, id, "dead-lettering refused: the message is a peer's now");
      case FENCED -> leases.fence();
      case DONE -> {
        scope.meters.deadLettered.increment();
        scope.listener.onDeadLetter(scope.stream(partition), id, reason);
      }
      default -> {
        // SETTLED: pending nowhere, settled already by a run whose reply was lost
      }
    }
  }

  /**
   * Hands messages that never reached a handler back to the group (close): they stay pending on this consumer but
   * look idle for a day, so peers take them at their next reclaim tick without counting a delivery.
   */
  Future<Void> handBack(List<DefaultMessage> messages) {
    List<List<String>> byPartition = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      byPartition.add(new ArrayList<>());
    }
    for (DefaultMessage m : messages) {
      if (leases.owns(m)) {
        byPartition.get(m.partition()).add(m.id().value());
      }
    }
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      List<String> ids = byPartition.get(p);
      if (ids.isEmpty()) {
        continue;
      }
      int partition = p;
      all.add(new HandbackScript(scope.stream(p), scope.members(p), scope.settleOwner(p), scope.group,
              scope.consumer, scope.token, HAND_BACK_IDLE_MS, ids).run(scope.commands, scope.deadline())
          .onFailure(e -> scope.listener.onRedisError(scope.stream(partition), "hand back", e)));
    }
    for (DefaultMessage m : messages) {
      leases.release(m.partition(), m.id().value());
    }
    return Future.join(all).mapEmpty();
  }

  /**
   * Sends the acknowledgements waiting; completes when every one sent so far, and every projection step, is answered.
   */
  Future<Void> flush() {
    Future<Void> acked = acks.flush();
    return projector == null ? acked : Future.join(acked, projector.flush()).mapEmpty();
  }

  /** Leaves the group: drops this membership, and the consumer where it holds nothing (leave.lua). */
  Future<Void> leave() {
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(new LeaveScript(scope.stream(p), scope.members(p), scope.group, scope.consumer, scope.token)
          .run(scope.commands, scope.deadline()));
    }
    return Future.join(all).mapEmpty();
  }
}
