package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.connection.ServiceLimits;
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

/**
 * Records each held message's fate in Redis: acknowledged, scheduled for another delivery, dead-lettered, or handed
 * back. Every step checks, in the same Lua step, that the entry is still pending on this consumer and that this
 * process still holds the consumer name: after a lost lease the peer that took the message over settles it, and
 * nothing here may acknowledge over it. What a success does (a batched acknowledgement, or a projection's writes with
 * its acknowledgement) is chosen once, at construction; how a failure is retried, by the {@link Turns} it is given.
 * Used from the subscription's context only.
 */
final class Settlement implements Dispatcher.Outcomes {
  private static final int MAX_ERROR_TEXT = 1000;
  /** Idle time given to handed-back entries: a day, beyond any claim min idle, so any peer takes them at once. */
  static final long HAND_BACK_IDLE_MS = 86_400_000;

  private final ConsumerScope scope;
  private final Leases leases;
  private final DeliveryPolicy policy;
  private final AckBatcher acks;
  /** A projection's subscription only, else null: its successes go through {@link #applyWrites}. */
  private final Projector projector;
  private final Successes successes;
  private Turns turns;
  private RetryDue retryDueAt;

  /** How a failed message is retried. */
  enum Retry {
    /** In the group's retry set: any member claims it once due. */
    SCHEDULE,
    /** Ordered processing: where it is, keeping its turn (the partition is owned, not being given up). */
    IN_PLACE,
    /** Ordered processing, the partition being given up: it stays pending, and the next owner adopts it in id order. */
    LEAVE
  }

  /** Whose turn it is (ordered processing), and how a failed message is retried. */
  interface Turns {
    /** The message has had its turn (it succeeded, was dead-lettered, lost, or left for the next owner). */
    void done(DefaultMessage message);

    /** How a failed message of the partition is retried now. */
    Retry retry(int partition);

    /** Runs the next delivery of a message retried in place (its turn is still taken). */
    void dispatch(DefaultMessage message);
  }

  /** Told when a retry scheduled in the group's retry set becomes due, so that it is claimed then. */
  interface RetryDue {
    /** @param dueAt epoch ms */
    void accept(long dueAt);
  }

  /** What a handler's success does, chosen once: a batched acknowledgement, or a projection's step. */
  private interface Successes {
    void succeeded(DefaultMessage message);

    /** Completes when every step sent so far for a success is answered. */
    Future<Void> flush();
  }

  /**
   * @param projects a projection's subscription: each success applies its writes and is acknowledged in one step
   *     instead of a batched acknowledgement
   */
  Settlement(Context context, ConsumerScope scope, Leases leases, DeliveryPolicy policy, boolean projects) {
    this.scope = scope;
    this.leases = leases;
    this.policy = policy;
    this.acks = new AckBatcher(context, scope, scope.options.getAckBatchSize(), this::acked);
    this.projector = projects ? new Projector(scope) : null;
    this.successes = projects ? new Projected() : new Acknowledged();
  }

  /**
   * Sets the turns and where due retries are told (once, by the wiring, before anything is delivered: they are built
   * from units that need this one).
   */
  void use(Turns turns, RetryDue retryDueAt) {
    this.turns = turns;
    this.retryDueAt = retryDueAt;
  }

  /** A handler's outcome: null for success, else its error. A message whose lease was lost is left alone. */
  @Override
  public void outcome(DefaultMessage message, Throwable error) {
    if (!leases.owns(message)) {
      leases.release(message.partition(), message.id().value());
      turns.done(message);
      return;
    }
    if (error == null) {
      successes.succeeded(message);
    } else {
      failed(message, error);
    }
  }

  /** A success is acknowledged in the partition's next ack step. */
  private final class Acknowledged implements Successes {
    @Override
    public void succeeded(DefaultMessage message) {
      scope.meters.endToEnd(message.id().timestamp());
      acks.ack(message.partition(), message.id().value());
      turns.done(message);
    }

    @Override
    public Future<Void> flush() {
      return acks.flush();
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

  /** A projection's success: its writes applied and acknowledged in one step (project.lua) per message. */
  private final class Projected implements Successes {
    @Override
    public void succeeded(DefaultMessage message) {
      applyWrites(message);
    }

    @Override
    public Future<Void> flush() {
      return Future.join(acks.flush(), projector.flush()).mapEmpty();
    }
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
    } else {
      switch (turns.retry(message.partition())) {
        case SCHEDULE -> scheduleRetry(message, delay);
        case IN_PLACE -> {
          scope.meters.retried.increment();
          scope.vertx.setTimer(Math.max(1, delay), t -> redeliver(message));
        }
        case LEAVE -> {
          // the partition is being given up: the message stays pending, and the next owner adopts it in id order
          leases.release(message.partition(), message.id().value());
          turns.done(message);
        }
      }
    }
  }

  /**
   * The next delivery of a message retried in place: redeliver.lua checks it is still ours and counts the delivery
   * in Redis (so the limit holds across a crash), then it runs again, still holding its turn.
   */
  private void redeliver(DefaultMessage message) {
    int partition = message.partition();
    String id = message.id().value();
    if (!leases.owns(message) || turns.retry(partition) != Retry.IN_PLACE) {
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
      // a step per MAX_IDS_PER_STEP ids: a request of more than 3,999 arguments is refused by ElastiCache Serverless
      for (int from = 0; from < ids.size(); from += ServiceLimits.MAX_IDS_PER_STEP) {
        List<String> step = ids.subList(from, Math.min(ids.size(), from + ServiceLimits.MAX_IDS_PER_STEP));
        all.add(new HandbackScript(scope.stream(p), scope.members(p), scope.settleOwner(p), scope.group,
                scope.consumer, scope.token, HAND_BACK_IDLE_MS, step).run(scope.commands, scope.deadline())
            .onFailure(e -> scope.listener.onRedisError(scope.stream(partition), "hand back", e)));
      }
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
    return successes.flush();
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
