package io.streambus.impl.consume;

import io.streambus.impl.metrics.Meters;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.streambus.impl.wire.Scripts;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The periodic work of a subscription, per partition: claim retries that are due and move due delayed messages into
 * the stream (every {@value #DUE_INTERVAL_MS} ms, and at each retry's due time); reclaim messages stalled on other
 * consumers, remove long-idle empty consumers and refresh the gauges (every reclaim interval); trim (every trim
 * interval). Used from the subscription's context only.
 */
public final class Maintenance {
  static final long DUE_INTERVAL_MS = 250;
  private static final int CLAIM_BATCH = 100;
  private static final int LAG_COUNT_CAP = 100_000;

  private final Vertx vertx;
  private final DefaultSubscription sub;
  private final List<Long> periodic = new ArrayList<>();
  private long nextDueTimer = -1;
  private long nextDueAt = Long.MAX_VALUE;
  private boolean dueRunning;
  private boolean reclaimRunning;
  private boolean stopped;

  public Maintenance(Vertx vertx, DefaultSubscription sub) {
    this.vertx = vertx;
    this.sub = sub;
  }

  public void start() {
    for (int p = 0; p < sub.partitions(); p++) {
      claim(p, "own", 0);
    }
    periodic.add(vertx.setPeriodic(DUE_INTERVAL_MS, t -> dueTick()));
    periodic.add(vertx.setPeriodic(sub.options().getReclaimIntervalMs(), t -> reclaimTick()));
    if (sub.busOptions().getTrimPolicy() != BusOptions.TrimPolicy.NONE) {
      periodic.add(vertx.setPeriodic(sub.busOptions().getTrimIntervalMs(), t -> trimTick()));
    }
    reclaimTick();
  }

  public void stop() {
    stopped = true;
    periodic.forEach(vertx::cancelTimer);
    if (nextDueTimer >= 0) {
      vertx.cancelTimer(nextDueTimer);
    }
  }

  /**
   * A read failed with its connection: entries Redis handed over in the lost reply now sit in this consumer's
   * pending list, unknown to it. Take them back at once rather than after the claim idle time.
   */
  public void recoverOwn(int partition) {
    if (!stopped) {
      claim(partition, "own", 0);
    }
  }

  /** A retry becomes due at {@code at}: run the due scan then rather than at the next period. */
  public void dueAt(long at) {
    if (stopped || at >= nextDueAt) {
      return;
    }
    if (nextDueTimer >= 0) {
      vertx.cancelTimer(nextDueTimer);
    }
    nextDueAt = at;
    nextDueTimer = vertx.setTimer(Math.max(1, at - System.currentTimeMillis() + 1), t -> {
      nextDueTimer = -1;
      nextDueAt = Long.MAX_VALUE;
      dueTick();
    });
  }

  private void dueTick() {
    if (stopped || dueRunning || sub.isPaused()) {
      return;
    }
    dueRunning = true;
    List<Future<?>> all = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int p = 0; p < sub.partitions(); p++) {
      Keys keys = sub.keys();
      all.add(Scripts.MOVE_DUE.run(sub.commands(), deadline(), List.of(keys.delayed(sub.topic(), p),
          keys.stream(sub.topic(), p)), now, CLAIM_BATCH));
      all.add(claim(p, "due", 0));
    }
    Future.join(all).onComplete(ar -> dueRunning = false);
  }

  private void reclaimTick() {
    if (stopped || reclaimRunning || sub.isPaused()) {
      return;
    }
    reclaimRunning = true;
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < sub.partitions(); p++) {
      all.add(claim(p, "stale", sub.options().getClaimMinIdleMs()));
      all.add(cleanupConsumers(p));
      all.add(refreshGauges(p));
    }
    Future.join(all).onComplete(ar -> reclaimRunning = false);
  }

  /**
   * Claims pending entries (see claim.lua for the modes) for as many free slots as there are, and delivers them.
   */
  private Future<Void> claim(int partition, String mode, long minIdle) {
    int n = Math.min(CLAIM_BATCH, sub.slots().freeForClaim());
    if (n == 0) {
      return Future.succeededFuture();
    }
    Keys keys = sub.keys();
    String stream = keys.stream(sub.topic(), partition);
    List<Object> args = new ArrayList<>(List.of(sub.group(), sub.consumerName(), mode, n, System.currentTimeMillis(),
        minIdle));
    if (!mode.equals("due")) {
      // only 'own' and 'stale' look at what this subscription holds; a due retry is never held
      args.addAll(sub.held(partition));
    }
    return Scripts.CLAIM.run(sub.commands(), deadline(), List.of(stream,
                keys.retries(sub.topic(), partition, sub.group())), args.toArray())
        .onComplete(ar -> {
          if (ar.failed()) {
            sub.listener().onRedisError(stream, "claim " + mode, ar.cause());
            return;
          }
          Replies.Claimed claimed = Replies.claimed(ar.result());
          if (claimed.trimmed() > 0) {
            sub.meters().counter(BusMeters.PENDING_TRIMMED, sub.topic(), sub.group()).increment(claimed.trimmed());
          }
          if (!mode.equals("due") && (claimed.entries().size() > 0 || claimed.trimmed() > 0)) {
            sub.meters().counter(BusMeters.RECLAIMED, sub.topic(), sub.group()).increment(claimed.entries().size());
            sub.listener().onReclaim(stream, claimed.entries().size(), claimed.trimmed());
          }
          for (Replies.Entry e : claimed.entries()) {
            sub.deliver(partition, e.id(), e.fields(), e.deliveries());
          }
        }).mapEmpty();
  }

  /** Removes other consumers idle beyond the bound that hold nothing (the script re-checks atomically). */
  private Future<Void> cleanupConsumers(int partition) {
    long bound = sub.options().getConsumerCleanupIdleMs();
    if (bound == 0) {
      return Future.succeededFuture();
    }
    String stream = sub.keys().stream(sub.topic(), partition);
    return sub.commands().send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(sub.group()), stream,
            deadline())
        .compose(reply -> {
          List<Future<?>> all = new ArrayList<>();
          for (Map<String, Response> c : Replies.maps(reply)) {
            String name = Replies.stringOf(c, "name");
            if (!sub.consumerName().equals(name) && Replies.longOf(c, "pending", 1) == 0
                && Replies.longOf(c, "idle", 0) > bound) {
              all.add(Scripts.DELETE_CONSUMER.run(sub.commands(), deadline(), List.of(stream), sub.group(), name));
            }
          }
          return Future.join(all).<Void>mapEmpty();
        })
        .onFailure(e -> sub.listener().onRedisError(stream, "consumer cleanup", e));
  }

  /** Stream length, group lag and pending for the gauges (lag counted where Redis does not report it). */
  private Future<Void> refreshGauges(int partition) {
    String stream = sub.keys().stream(sub.topic(), partition);
    Meters meters = sub.meters();
    String topic = sub.topic();
    String group = sub.group();
    Future<Void> length = sub.commands().send(Request.cmd(Command.XLEN).arg(stream), deadline())
        .map(r -> {
          meters.gauge(BusMeters.STREAM_LENGTH, "Entries in the stream", topic, null, partition).set(r.toLong());
          return null;
        });
    Future<Void> groups = sub.commands().send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream), stream, deadline())
        .compose(reply -> {
          for (Map<String, Response> g : Replies.maps(reply)) {
            if (group.equals(Replies.stringOf(g, "name"))) {
              meters.gauge(BusMeters.GROUP_PENDING, "Pending entries of the group", topic, group, partition)
                  .set(Replies.longOf(g, "pending", 0));
              long lag = Replies.longOf(g, "lag", -1);
              if (lag >= 0) {
                meters.gauge(BusMeters.GROUP_LAG, "Entries not yet delivered to the group", topic, group, partition)
                    .set(lag);
                return Future.<Void>succeededFuture();
              }
              return Scripts.COUNT_AFTER.run(sub.commands(), deadline(), List.of(stream),
                  Replies.stringOf(g, "last-delivered-id"), LAG_COUNT_CAP).map(count -> {
                    meters.gauge(BusMeters.GROUP_LAG, "Entries not yet delivered to the group", topic, group,
                        partition).set(count.toLong());
                    return null;
                  });
            }
          }
          return Future.<Void>succeededFuture();
        });
    return Future.join(length, groups).<Void>mapEmpty()
        .onFailure(e -> sub.listener().onRedisError(stream, "gauges", e));
  }

  private void trimTick() {
    if (stopped) {
      return;
    }
    BusOptions bus = sub.busOptions();
    String mode = bus.getTrimPolicy() == BusOptions.TrimPolicy.MAXLEN ? "maxlen" : "acked";
    for (int p = 0; p < sub.partitions(); p++) {
      String stream = sub.keys().stream(sub.topic(), p);
      Scripts.TRIM.run(sub.commands(), deadline(), List.of(stream), mode, bus.getMaxLen()).onComplete(ar -> {
        if (ar.failed()) {
          sub.listener().onRedisError(stream, "trim", ar.cause());
          return;
        }
        long safe = ar.result().get(0).toLong();
        long dropped = ar.result().get(1).toLong();
        if (safe > 0) {
          sub.meters().counter(BusMeters.TRIMMED, sub.topic()).increment(safe);
        }
        if (dropped > 0) {
          sub.meters().counter(BusMeters.TRIMMED_UNACKED, sub.topic()).increment(dropped);
        }
      });
    }
  }

  private long deadline() {
    return System.currentTimeMillis() + sub.busOptions().getPublishTimeoutMs();
  }
}
