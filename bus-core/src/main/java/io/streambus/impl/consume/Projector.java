package io.streambus.impl.consume;

import io.streambus.impl.wire.Scripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a projection's writes for one message and acknowledges it, in one project.lua step that first checks that
 * the message is still this consumer's (as ack.lua does) and that every write will apply. One step per message: the
 * writes of different messages are not batched, so a refused write holds back no other message. Used from the
 * subscription's context only.
 */
final class Projector {
  /** What a step did. */
  enum Outcome {
    /** The writes were applied and the message acknowledged. */
    APPLIED,
    /** The message (or its partition) is another consumer's: nothing was written. */
    LOST,
    /** This consumer name was taken over by another process: nothing was written. */
    FENCED,
    /** A write would fail: nothing was written; the reason says why. */
    INVALID,
    /** The message was no longer pending: settled already (a step whose reply was lost ran once). */
    DONE,
    /** The message was no longer pending and its entry is gone from the stream. */
    GONE
  }

  record Result(Outcome outcome, String reason) {
  }

  private final ConsumerScope scope;
  private final Set<Future<?>> inFlight = new HashSet<>();

  Projector(ConsumerScope scope) {
    this.scope = scope;
  }

  Future<Result> apply(DefaultMessage message, ProjectionWrites writes) {
    int partition = message.partition();
    List<String> keys = scope.settleKeys(partition, scope.stream(partition), scope.members(partition));
    int busKeys = keys.size();
    keys.addAll(writes.keys());
    List<Object> args = new ArrayList<>(5 + writes.encoded().size());
    args.add(scope.group);
    args.add(scope.consumer);
    args.add(scope.token);
    args.add(message.id().value());
    args.add(busKeys);
    args.addAll(writes.encoded());
    Future<Result> f = Scripts.PROJECT.run(scope.commands, scope.deadline(), keys, args.toArray()).map(this::result);
    inFlight.add(f);
    f.onComplete(ar -> inFlight.remove(f));
    return f;
  }

  private Result result(Response r) {
    Outcome o = Outcome.valueOf(r.get(0).toString().toUpperCase(java.util.Locale.ROOT));
    return new Result(o, o == Outcome.INVALID ? r.get(1).toString() : null);
  }

  /** Completes when every step sent so far has been answered. */
  Future<Void> flush() {
    return Future.join(new ArrayList<>(inFlight)).mapEmpty();
  }
}
