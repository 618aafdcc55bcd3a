package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.connection.Backoff;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * The read loop of one partition: reserve free handler slots, {@code XREADGROUP ... COUNT <free> BLOCK <ms> ... >} on
 * a connection of its own, hand the entries over, repeat. Errors back off and retry; a vanished group is recreated.
 * Used from the subscription's context only.
 */
final class PartitionReader {
  private static final long READ_MARGIN_MS = 5_000;

  /**
   * What becomes of entries pending on this consumer that no read brought: with ordered processing the reader adopts
   * them (adopt.lua, in id order) before it reads new ones; else a claim recovers them.
   */
  interface Pending {
    /** True when a starting reader first adopts what is pending on its partition. */
    boolean adoptFirst();

    /** Takes over up to n entries pending on the partition (only when adopting); -1 when the partition is not ours. */
    Future<Integer> adopt(int partition, int n);

    /**
     * A read failed with its connection: entries Redis handed over in the lost reply sit pending on this consumer,
     * unknown to it. True when the reader is to adopt them before its next read; else it takes them back with
     * {@link #recover} before its next read.
     */
    boolean lostReply(int partition);

    /**
     * Takes back up to n of the entries a lost read reply handed to this consumer (newer than {@code afterId}, the
     * newest the partition's reads brought, null for none; delivered once), without counting a delivery: that one
     * never reached anything. Only when {@link #lostReply} is false.
     */
    Future<Replies.Claimed> recover(int partition, String afterId, int n);
  }

  /** What the reader is connected to: where slots come from, where entries go, and what to do on trouble. */
  record Wiring(Budget budget, Intake intake, RunState state, Groups groups, Pending pending) {
  }

  private final ConsumerScope scope;
  private final int partition;
  private final String stream;
  private final RedisChannel channel;
  private final Wiring wiring;
  private final int readCount;
  private final boolean canUnblock;
  private final Backoff backoff;
  private boolean running;
  private boolean adopting;
  /** A read lost its reply: what it handed over is taken back before the next read. */
  private boolean recovering;
  /** The newest id a read (or a recovery) of this partition brought this consumer; null for none yet. */
  private String lastId;
  private boolean reading;
  private boolean waiting;
  private RedisConnection identified;
  private long clientId = -1;
  /**
   * The server refused CLIENT ID (ElastiCache Serverless has none; an ACL without client|id) or CLIENT UNBLOCK
   * (Memorystore): neither is sent again, and stop() closes the read's connection instead.
   */
  private boolean unblockRefused;
  private Promise<Void> idle;

  /**
   * @param readCount most entries asked for per read
   * @param canUnblock whether stop() may end a parked read with CLIENT UNBLOCK (not through Sentinel: untested)
   */
  PartitionReader(ConsumerScope scope, int partition, RedisChannel channel, Wiring wiring, int readCount,
                  boolean canUnblock, long backoffInitialMs, long backoffMaxMs) {
    this.scope = scope;
    this.partition = partition;
    this.stream = scope.stream(partition);
    this.channel = channel;
    this.wiring = wiring;
    this.readCount = readCount;
    this.canUnblock = canUnblock;
    this.backoff = new Backoff(backoffInitialMs, backoffMaxMs);
  }

  void start() {
    running = true;
    idle = null;
    // ordered processing: what is pending on the partition goes first, in id order
    adopting = wiring.pending().adoptFirst();
    if (!reading && !waiting) {
      // else the outstanding read (or wait) goes on into the loop when it ends
      loop();
    }
  }

  /** Continues after a pause; no-op while a read or wait is outstanding. */
  void kick() {
    if (running && !reading && !waiting) {
      loop();
    }
  }

  private void loop() {
    if (!running || wiring.state().paused()) {
      signalIdle();
      return;
    }
    int n = wiring.budget().reserve(readCount);
    if (n == 0) {
      waiting = true;
      wiring.budget().onRelease(() -> {
        waiting = false;
        loop();
      });
      return;
    }
    reading = true;
    if (adopting) {
      adopt(n);
      return;
    }
    if (recovering) {
      recover(n);
      return;
    }
    long blockMs = scope.options.getBlockMs();
    Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(scope.group).arg(scope.consumer)
        .arg("COUNT").arg(n).arg("BLOCK").arg(blockMs).arg("STREAMS").arg(stream).arg(">");
    // A half-open connection (peer gone without a reset) would park the read forever: past BLOCK plus a margin,
    // drop the connection, which fails the read and reconnects.
    long guard = scope.vertx.setTimer(blockMs + READ_MARGIN_MS, t -> channel.reset());
    long sentAt = System.nanoTime();
    // stop() while CLIENT ID was on its way could not end a read not yet sent: it is not sent (an empty read)
    identify().compose(v -> running ? channel.send(read) : Future.<Response>succeededFuture()).onComplete(ar -> {
      scope.vertx.cancelTimer(guard);
      reading = false;
      wiring.budget().readDone(n);
      if (ar.succeeded()) {
        backoff.reset();
        List<Replies.Entry> entries = Replies.readGroup(ar.result());
        if (!entries.isEmpty()) {
          lastId = entries.get(entries.size() - 1).id();
        }
        for (Replies.Entry e : entries) {
          wiring.intake().accept(partition, e.id(), e.fields(), 1, sentAt);
        }
        loop();
      } else {
        onError(ar.cause());
      }
    });
  }

  private void adopt(int n) {
    wiring.pending().adopt(partition, n).onComplete(ar -> {
      reading = false;
      wiring.budget().readDone(n);
      if (ar.failed()) {
        onError(ar.cause());
        return;
      }
      int taken = ar.result();
      if (taken < 0) {
        running = false; // not ours: ownership notices and stops this reader
        signalIdle();
        return;
      }
      if (taken < n) {
        adopting = false;
      }
      loop();
    });
  }

  private void recover(int n) {
    wiring.pending().recover(partition, lastId, n).onComplete(ar -> {
      reading = false;
      wiring.budget().readDone(n);
      if (ar.failed()) {
        Throwable e = ar.cause(); // the claimer reported it
        if (e instanceof BusException.Closed) {
          running = false;
        }
        if (!running) {
          signalIdle();
          return;
        }
        // another connection loss: try again; any other error leaves them to the stale claim
        recovering = RedisErrors.code(e) == null;
        retryLater();
        return;
      }
      List<Replies.Entry> entries = ar.result().entries();
      if (!entries.isEmpty()) {
        // in id order: the lost read's entries were the newest this consumer got
        lastId = entries.get(entries.size() - 1).id();
      }
      if (entries.size() + ar.result().trimmed() < n) {
        recovering = false;
      }
      loop();
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
      wiring.groups().recreate(partition).onComplete(ar -> {
        if (ar.failed()) {
          scope.listener.onRedisError(stream, "XGROUP CREATE", ar.cause());
          retryLater();
        } else {
          loop();
        }
      });
      return;
    }
    scope.listener.onRedisError(stream, "XREADGROUP", e);
    if (RedisErrors.code(e) == null) {
      // entries Redis handed over in a lost reply sit pending on this consumer, unknown to it
      if (wiring.pending().lostReply(partition)) {
        adopting = true;
      } else {
        recovering = true;
      }
    }
    retryLater();
  }

  private void retryLater() {
    waiting = true;
    scope.vertx.setTimer(backoff.nextDelay(), t -> {
      waiting = false;
      loop();
    });
  }

  /**
   * Learns the connection's CLIENT ID once per connection, so that stop() can CLIENT UNBLOCK a read parked in BLOCK
   * instead of waiting for it to time out. In a cluster the id is that of the socket to the stream's master. A server
   * that refuses CLIENT ID is not asked again: stop() closes the read's connection instead.
   */
  private Future<Void> identify() {
    if (!canUnblock || unblockRefused) {
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
    }).recover(e -> {
      if (RedisErrors.isPermanent(e)) { // a refusal; a transient reply is no reason to stop asking
        unblockRefused = true;
        identified = null;
        clientId = -1;
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** Stops reading; the future completes when no read is outstanding. */
  Future<Void> stop() {
    running = false;
    if (!reading) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    if (clientId >= 0) {
      // In a cluster this goes to the master of the read's stream, where the client id was learnt. Should the slot
      // have moved since, it reaches another node, where at worst it ends some client's blocking call early.
      scope.commands.send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(clientId), stream, scope.deadline())
          .onFailure(e -> {
            if (RedisErrors.isPermanent(e)) { // a refusal; a transient reply is no reason to stop asking
              // refused (Memorystore allows CLIENT ID but not CLIENT UNBLOCK: NOPERM): as without CLIENT ID
              unblockRefused = true;
              clientId = -1;
              identified = null;
              channel.reset();
            }
          });
    } else if (unblockRefused) {
      // without CLIENT UNBLOCK, closing the connection ends the parked read now (its entries, if a reply was on its
      // way, stay pending on this consumer, as after any lost reply), instead of at the end of BLOCK
      channel.reset();
    }
    return idle.future();
  }

  private void signalIdle() {
    if (idle != null) {
      idle.tryComplete();
    }
  }
}
