package io.streambus.impl.request;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.PresenceScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A responder's presence on every partition of its topic (presence.lua): what lets request.lua tell a topic that is
 * served from one that is not. Renewed three times per time to live while the responder runs; withdrawn when it closes,
 * so that requests fail with "no responder" at once after the last one leaves, and within the time to live after the
 * last one dies.
 */
public final class Presence {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  /** Whether the responder still runs (its subscription may close by itself: fenced). */
  public interface Running {
    boolean running();
  }

  private final Vertx vertx;
  private final RedisChannel commands;
  private final List<String> keys = new ArrayList<>();
  private final String member;
  private final long ttlMs;
  private final long commandTimeoutMs;
  private final Running running;
  private volatile long timer = -1;
  private volatile boolean withdrawn;

  public Presence(Vertx vertx, RedisChannel commands, Keys keys, String topic, int partitions, String group,
                  String consumer, long ttlMs, long commandTimeoutMs, Running running) {
    this.vertx = vertx;
    this.commands = commands;
    for (int p = 0; p < partitions; p++) {
      this.keys.add(keys.presence(topic, p));
    }
    this.member = group + "|" + consumer;
    this.ttlMs = ttlMs;
    this.commandTimeoutMs = commandTimeoutMs;
    this.running = running;
  }

  /** Announces the responder on every partition; succeeds once every partition has it. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(Math.max(100, ttlMs / 3), t -> {
      if (withdrawn) {
        return;
      }
      if (!running.running()) {
        withdraw();
        return;
      }
      renew().onFailure(e -> LOG.warn("renewing the presence of responder {} failed: {}", member, e.toString()));
    });
    return renew();
  }

  private Future<Void> renew() {
    return each(ttlMs);
  }

  private Future<Void> each(long ttl) {
    List<Future<Void>> all = new ArrayList<>();
    long deadline = System.currentTimeMillis() + commandTimeoutMs;
    for (String key : keys) {
      all.add(new PresenceScript(key, member, ttl).run(commands, deadline));
    }
    return Future.all(all).mapEmpty();
  }

  /** Withdraws the presence from every partition, and stops renewing it. Idempotent. */
  public Future<Void> withdraw() {
    if (withdrawn) {
      return Future.succeededFuture();
    }
    withdrawn = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return each(0).recover(e -> {
      LOG.warn("withdrawing the presence of responder {} failed (it lapses by itself): {}", member, e.toString());
      return Future.succeededFuture();
    });
  }
}
