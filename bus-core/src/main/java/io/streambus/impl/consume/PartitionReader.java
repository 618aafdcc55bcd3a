package io.streambus.impl.consume;

import io.streambus.impl.connection.Backoff;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.streambus.impl.wire.Replies;
import io.streambus.BusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

import java.util.List;

/**
 * The read loop of one partition: reserve free handler slots, {@code XREADGROUP ... COUNT <free> BLOCK <ms> ... >} on
 * a connection of its own, hand the entries over, repeat. Errors back off and retry; a vanished group is recreated.
 * Used from the subscription's context only.
 */
public final class PartitionReader {
  private static final long READ_MARGIN_MS = 5_000;
  private final Vertx vertx;
  private final DefaultSubscription sub;
  private final int partition;
  private final String stream;
  private final RedisChannel channel;
  private final Backoff backoff;
  private boolean running;
  private boolean reading;
  private boolean waiting;
  private RedisConnection identified;
  private long clientId = -1;
  private Promise<Void> idle;

  public PartitionReader(Vertx vertx, DefaultSubscription sub, int partition, String stream, RedisChannel channel,
                  long backoffInitialMs, long backoffMaxMs) {
    this.vertx = vertx;
    this.sub = sub;
    this.partition = partition;
    this.stream = stream;
    this.channel = channel;
    this.backoff = new Backoff(backoffInitialMs, backoffMaxMs);
  }

  public void start() {
    running = true;
    loop();
  }

  /** Continues after a pause; no-op while a read or wait is outstanding. */
  public void kick() {
    if (running && !reading && !waiting) {
      loop();
    }
  }

  private void loop() {
    if (!running || sub.isPaused()) {
      signalIdle();
      return;
    }
    int n = sub.slots().reserveForRead(sub.readCount());
    if (n == 0) {
      waiting = true;
      sub.slots().onRelease(() -> {
        waiting = false;
        loop();
      });
      return;
    }
    reading = true;
    Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(sub.group()).arg(sub.consumerName())
        .arg("COUNT").arg(n).arg("BLOCK").arg(sub.options().getBlockMs()).arg("STREAMS").arg(stream).arg(">");
    // A half-open connection (peer gone without a reset) would park the read forever: past BLOCK plus a margin,
    // drop the connection, which fails the read and reconnects.
    long guard = vertx.setTimer(sub.options().getBlockMs() + READ_MARGIN_MS, t -> channel.reset());
    identify().compose(v -> channel.send(read)).onComplete(ar -> {
      vertx.cancelTimer(guard);
      reading = false;
      if (ar.succeeded()) {
        backoff.reset();
        List<Replies.Entry> entries = Replies.readGroup(ar.result());
        sub.slots().readDone(n);
        for (Replies.Entry e : entries) {
          sub.deliver(partition, e.id(), e.fields(), 1);
        }
        loop();
      } else {
        sub.slots().readDone(n);
        onError(ar.cause());
      }
    });
  }

  private void onError(Throwable e) {
    if (!running) {
      signalIdle();
      return;
    }
    if (e instanceof BusException.Closed) {
      running = false;
      signalIdle();
      return;
    }
    if (RedisErrors.is(e, "NOGROUP")) {
      sub.recreateGroup(partition).onComplete(ar -> {
        if (ar.failed()) {
          sub.listener().onRedisError(stream, "XGROUP CREATE", ar.cause());
          retryLater();
        } else {
          loop();
        }
      });
      return;
    }
    sub.listener().onRedisError(stream, "XREADGROUP", e);
    if (RedisErrors.code(e) == null) {
      sub.recoverOwn(partition);
    }
    retryLater();
  }

  private void retryLater() {
    waiting = true;
    vertx.setTimer(backoff.nextDelay(), t -> {
      waiting = false;
      loop();
    });
  }

  /**
   * Learns the connection's CLIENT ID once per connection, so that close() can CLIENT UNBLOCK a read parked in
   * BLOCK instead of waiting for it to time out. In a cluster the id is that of the socket to the stream's master.
   */
  private Future<Void> identify() {
    if (!sub.canUnblock()) {
      return Future.succeededFuture();
    }
    return channel.connection().compose(c -> {
      if (c == identified) {
        return Future.succeededFuture();
      }
      return channel.sendOn(c, Request.cmd(Command.CLIENT).arg("ID"), stream).<Void>map(r -> {
        identified = c;
        clientId = r.toLong();
        return null;
      });
    }).recover(e -> Future.<Void>succeededFuture());
  }

  /** Stops reading; the future completes when no read is outstanding. */
  public Future<Void> stop() {
    running = false;
    if (!reading) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    if (clientId >= 0) {
      sub.unblock(clientId, stream);
    }
    return idle.future();
  }

  private void signalIdle() {
    if (idle != null) {
      idle.tryComplete();
    }
  }
}
