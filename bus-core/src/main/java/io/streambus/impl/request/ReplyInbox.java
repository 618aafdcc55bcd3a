package io.streambus.impl.request;

import io.streambus.BusException;
import io.streambus.impl.connection.Backoff;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.InboxScript;
import io.streambus.impl.wire.Replies;
import io.streambus.impl.wire.ReplyCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One bus instance's reply stream: kept alive (inbox.lua three times per time to live: created when missing, what was
 * read trimmed, the time to live renewed), read with plain {@code XREAD BLOCK} on a connection of its own, each reply
 * handed to the {@link Sink}. Runs on a context of its own (not a caller's verticle, whose undeployment would cancel
 * its timers), from {@link #start} to {@link #close}, which deletes the stream.
 */
final class ReplyInbox {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyInbox.class);
  private static final long BLOCK_MS = 1_000;
  private static final long READ_MARGIN_MS = 5_000;
  private static final int READ_COUNT = 1_000;

  /** Where the replies read go. */
  interface Sink {
    void accept(ReplyCodec.Decoded reply);
  }

  private final Context context;
  private final RedisChannel reads;
  private final RedisChannel commands;
  private final String key;
  private final long ttlMs;
  private final long commandTimeoutMs;
  private final Sink sink;
  private final Backoff backoff = new Backoff(50, 2_000);
  /** The id of the last entry read: where the next read continues and what the renewal trims up to. */
  private String lastRead = "0-0";
  private boolean running;
  private boolean reading;
  private long renewTimer = -1;
  private Promise<Void> stopped;

  /**
   * @param reads    the connection of the blocking read, this inbox's alone
   * @param commands the bus's command channel (renewal, deletion)
   */
  ReplyInbox(Context context, RedisChannel reads, RedisChannel commands, String key, long ttlMs,
             long commandTimeoutMs, Sink sink) {
    this.context = context;
    this.reads = reads;
    this.commands = commands;
    this.key = key;
    this.ttlMs = ttlMs;
    this.commandTimeoutMs = commandTimeoutMs;
    this.sink = sink;
  }

  String key() {
    return key;
  }

  /** Creates the stream and starts reading; succeeds once the stream exists. Call on the inbox's context. */
  Future<Void> start() {
    return new InboxScript(key, ttlMs, null).run(commands, deadline()).map(created -> {
      running = true;
      renewTimer = context.owner().setPeriodic(Math.max(100, ttlMs / 3), t -> renew());
      read();
      return null;
    });
  }

  private long deadline() {
    return System.currentTimeMillis() + commandTimeoutMs;
  }

  private void renew() {
    // a stream that vanished meanwhile (evicted under memory pressure) is created again: replies sent while it was
    // gone were dropped by the responders (reply.lua), and their requests time out
    new InboxScript(key, ttlMs, lastRead).run(commands, deadline()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("renewing the reply stream {} failed: {}", key, ar.cause().toString());
      } else if (ar.result()) {
        LOG.warn("the reply stream {} was gone (evicted, or expired while this bus could not reach Redis): created"
            + " again; replies sent meanwhile were dropped", key);
      }
    });
  }

  private void read() {
    if (!running) {
      idle();
      return;
    }
    reading = true;
    Request xread = Request.cmd(Command.XREAD).arg("COUNT").arg(READ_COUNT).arg("BLOCK").arg(BLOCK_MS)
        .arg("STREAMS").arg(key).arg(lastRead);
    // a half-open connection would park the read for good: past BLOCK plus a margin, drop it (the read fails)
    long guard = context.owner().setTimer(BLOCK_MS + READ_MARGIN_MS, t -> reads.reset());
    reads.send(xread).onComplete(ar -> {
      context.owner().cancelTimer(guard);
      reading = false;
      if (ar.succeeded()) {
        backoff.reset();
        deliver(ar.result());
        read();
      } else if (!running || ar.cause() instanceof BusException.Closed) {
        idle();
      } else {
        LOG.warn("reading the reply stream {} failed: {}", key, ar.cause().toString());
        context.owner().setTimer(backoff.nextDelay(), t -> read());
      }
    });
  }

  private void deliver(Response reply) {
    List<Replies.Entry> entries = Replies.readGroup(reply);
    for (Replies.Entry e : entries) {
      lastRead = e.id();
      ReplyCodec.Decoded decoded = ReplyCodec.decode(e.fields());
      if (decoded != null) {
        try {
          sink.accept(decoded);
        } catch (RuntimeException ex) {
          LOG.error("handing over the reply {} failed", e.id(), ex);
        }
      }
    }
  }

  private void idle() {
    if (stopped != null) {
      stopped.tryComplete();
    }
  }

  /**
   * Stops reading and renewing, and deletes the stream (replies sent later are dropped by the responders). Call on the
   * inbox's context.
   */
  Future<Void> close() {
    running = false;
    if (renewTimer >= 0) {
      context.owner().cancelTimer(renewTimer);
    }
    stopped = Promise.promise();
    if (!reading) {
      stopped.complete();
    } else {
      reads.reset(); // ends the parked read now, instead of at the end of BLOCK
    }
    Future<Void> deleted = commands.send(Request.cmd(Command.DEL).arg(key), deadline()).<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("deleting the reply stream {} failed (it expires by itself): {}", key, e.toString());
          return Future.succeededFuture();
        });
    return Future.join(stopped.future(), deleted).transform(x -> reads.close());
  }
}
