package io.streambus.impl.consume;

import io.streambus.impl.connection.RedisChannel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Batches acknowledgements: one XACK per partition carries every id completed in the same event-loop turn (or
 * {@code batchSize} ids). A failed XACK is reported and not retried: the entries stay pending and come back through
 * reclaim, which at-least-once delivery tolerates. Used from the subscription's context only.
 */
public final class AckBatcher {
  private static final long ACK_DEADLINE_MS = 10_000;

  private final Context context;
  private final RedisChannel channel;
  private final String group;
  private final IntFunction<String> streamOf;
  private final int batchSize;
  private final BiConsumer<String, Throwable> onError;
  private final BiConsumer<Integer, List<String>> onSettled;
  /**
   * Per partition, the ids waiting for their XACK (null when none): indexed by partition rather than a sorted map,
   * which boxed the partition and walked a tree for every acknowledgement.
   */
  private final List<String>[] waiting;
  private final Set<Future<?>> inFlight = new HashSet<>();
  private boolean flushScheduled;

  /**
   * @param onSettled told which ids of a partition an XACK carried, once it is answered (acknowledged or not)
   */
  @SuppressWarnings("unchecked")
  public AckBatcher(Context context, RedisChannel channel, String group, int partitions, IntFunction<String> streamOf,
             int batchSize, BiConsumer<String, Throwable> onError, BiConsumer<Integer, List<String>> onSettled) {
    this.waiting = new List[partitions];
    this.context = context;
    this.channel = channel;
    this.group = group;
    this.streamOf = streamOf;
    this.batchSize = batchSize;
    this.onError = onError;
    this.onSettled = onSettled;
  }

  public void ack(int partition, String id) {
    List<String> ids = waiting[partition];
    if (ids == null) {
      ids = new ArrayList<>();
      waiting[partition] = ids;
    }
    ids.add(id);
    if (ids.size() >= batchSize) {
      send(partition);
    } else if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  /** Sends everything waiting; the future completes when every XACK sent so far has been answered. */
  public Future<Void> flush() {
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
    String stream = streamOf.apply(partition);
    Request xack = Request.cmd(Command.XACK).arg(stream).arg(group);
    ids.forEach(xack::arg);
    Future<?> f = channel.send(xack, System.currentTimeMillis() + ACK_DEADLINE_MS);
    inFlight.add(f);
    f.onComplete(ar -> {
      inFlight.remove(f);
      if (ar.failed()) {
        onError.accept(stream, ar.cause());
      }
      onSettled.accept(partition, ids);
    });
  }
}
