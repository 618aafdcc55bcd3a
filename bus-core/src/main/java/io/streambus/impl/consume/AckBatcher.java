package io.streambus.impl.consume;

import io.streambus.impl.wire.AckScript;
import io.streambus.impl.wire.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Batches acknowledgements: one ack step per partition (ack.lua: acknowledges the ids still pending on this consumer,
 * and reports the others; see there why checking that costs little) carries the ids completed while the partition's
 * previous step was on its way, or those of one event-loop turn when none was, and at most {@code batchSize}.
 * <p>
 * Why wait for the previous step: a Lua step costs Redis about as much as the XACK inside it, whatever the number of
 * ids (docs/benchmarks.md); flushing every turn sent a step per read batch, and under load the steps' own cost was
 * most of the bus's Redis time beyond a plain XACK. Waiting for the reply lets the batch grow with the load and adds
 * no delay when idle. An id waiting here is still held by this consumer and its lease renewed.
 * <p>
 * A failed step is reported and not retried: the entries stay pending and come back through reclaim, which
 * at-least-once delivery tolerates. Used from the subscription's context only.
 */
final class AckBatcher {
  private static final long ACK_DEADLINE_MS = 10_000;

  /** What one ack step settled. */
  interface Settled {
    /**
     * @param ids every id the step carried
     * @param acked how many were acknowledged (-1 when the consumer name was taken over: none were)
     * @param notOurs ids that were pending on another consumer or acknowledged by one (lost leases)
     * @param trimmed how many were no longer pending anywhere (their entry gone, or acknowledged already)
     * @param error the step's failure, else null (then nothing is known of the ids)
     */
    void settled(int partition, List<String> ids, int acked, List<String> notOurs, int trimmed, Throwable error);
  }

  private final Context context;
  private final ConsumerScope scope;
  private final int batchSize;
  private final Settled onSettled;
  /** Per partition, the ids waiting (null when none): an array rather than a map, which boxed the partition. */
  private final List<String>[] waiting;
  private final Set<Future<?>> inFlight = new HashSet<>();
  /** Per partition, the steps sent and not answered yet. */
  private final int[] sending;
  private boolean flushScheduled;

  @SuppressWarnings("unchecked")
  AckBatcher(Context context, ConsumerScope scope, int batchSize, Settled onSettled) {
    this.context = context;
    this.scope = scope;
    this.batchSize = batchSize;
    this.onSettled = onSettled;
    this.waiting = new List[scope.partitions];
    this.sending = new int[scope.partitions];
  }

  void ack(int partition, String id) {
    List<String> ids = waiting[partition];
    if (ids == null) {
      ids = new ArrayList<>();
      waiting[partition] = ids;
    }
    ids.add(id);
    if (ids.size() >= batchSize) {
      send(partition);
    } else if (sending[partition] == 0 && !flushScheduled) {
      // else the reply of the step on its way sends these
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        for (int p = 0; p < waiting.length; p++) {
          if (sending[p] == 0) {
            send(p);
          }
        }
      });
    }
  }

  /**
   * Sends everything waiting, without waiting for the steps on their way; the future completes when every step sent
   * so far has been answered.
   */
  Future<Void> flush() {
    for (int partition = 0; partition < waiting.length; partition++) {
      send(partition);
    }
    return Future.join(new ArrayList<>(inFlight)).mapEmpty();
  }

  private void send(int partition) {
    List<String> ids = waiting[partition];
    waiting[partition] = null;
    if (ids == null || ids.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    Future<AckScript.Reply> f = new AckScript(scope.stream(partition), scope.members(partition),
        scope.moved(partition), scope.settleOwner(partition), scope.group, scope.consumer, scope.token, now, ids)
        .run(scope.commands, now + ACK_DEADLINE_MS);
    inFlight.add(f);
    sending[partition]++;
    f.onComplete(ar -> {
      inFlight.remove(f);
      if (--sending[partition] == 0) {
        send(partition); // what completed meanwhile
      }
      if (ar.failed()) {
        onSettled.settled(partition, ids, 0, List.of(), 0, ar.cause());
        return;
      }
      AckScript.Reply r = ar.result();
      if (r.outcome() == Outcome.FENCED) {
        onSettled.settled(partition, ids, -1, ids, 0, null);
        return;
      }
      if (r.outcome() == Outcome.NOT_OURS) {
        // the partition has another owner now (ordered processing): none of these is ours to settle
        onSettled.settled(partition, ids, 0, ids, 0, null);
        return;
      }
      onSettled.settled(partition, ids, r.acked(), r.notOurs(), r.trimmed(), null);
    });
  }
}
