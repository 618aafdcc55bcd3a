package io.streambus.impl.consume;

import io.streambus.impl.wire.ProjectScript;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashSet;
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
    Future<Result> f = new ProjectScript(scope.stream(partition), scope.members(partition),
        scope.settleOwner(partition), writes.keys(), scope.group, scope.consumer, scope.token, message.id().value(),
        writes.encoded()).run(scope.commands, scope.deadline()).map(this::result);
    inFlight.add(f);
    f.onComplete(ar -> inFlight.remove(f));
    return f;
  }

  private Result result(ProjectScript.Reply r) {
    Outcome o = switch (r.outcome()) {
      case DONE -> Outcome.APPLIED;
      case NOT_OURS -> Outcome.LOST;
      case FENCED -> Outcome.FENCED;
      case INVALID -> Outcome.INVALID;
      case SETTLED -> Outcome.DONE;
      case GONE -> Outcome.GONE;
      default -> throw new IllegalStateException("project.lua does not reply " + r.outcome());
    };
    return new Result(o, r.reason());
  }

  /** Completes when every step sent so far has been answered. */
  Future<Void> flush() {
    return Future.join(new ArrayList<>(inFlight)).mapEmpty();
  }
}
