package io.streambus.impl.connection;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the master in the Sentinel topology: subscribes to a Sentinel's {@code +switch-master} and, when our master
 * moves, calls {@code onSwitch} so that every connection is dropped and made again to the new master.
 *
 * <p>Without this, a failover the Sentinel runs while the old master lives (SENTINEL FAILOVER, a network partition)
 * leaves the bus writing to the old master until the Sentinel demotes it, up to about ten seconds later, and the
 * demotion discards what it was sent meanwhile. A master that dies drops its connections anyway. While the watch has
 * no Sentinel connection it retries every second, and on reconnecting compares the master with the one it knew, so
 * a switch it missed still moves the bus.
 */
public final class SentinelWatch {
  private static final Logger LOG = LoggerFactory.getLogger(SentinelWatch.class);
  private static final long RETRY_MS = 1_000;

  private final Vertx vertx;
  private final Redis sentinels;
  private final String masterName;
  private final Runnable onSwitch;
  private RedisConnection connection;
  private String knownMaster;
  private boolean closed;
  /** Failed attempts in a row: only the first is logged as a warning, so that a Sentinel outage logs once. */
  private int failures;

  /** @param options the bus's client options (Sentinel endpoints and master name); copied with the SENTINEL role */
  public SentinelWatch(Vertx vertx, RedisOptions options, String masterName, Runnable onSwitch) {
    this.vertx = vertx;
    this.sentinels = Redis.createClient(vertx, new RedisOptions(options).setRole(RedisRole.SENTINEL));
    this.masterName = masterName;
    this.onSwitch = onSwitch;
  }

  public synchronized void start() {
    if (closed) {
      return;
    }
    sentinels.connect().compose(c -> c.send(Request.cmd(Command.SENTINEL).arg("GET-MASTER-ADDR-BY-NAME")
            .arg(masterName)).compose(addr -> subscribe(c, addr)))
        .onFailure(e -> {
          boolean first;
          synchronized (this) {
            first = failures++ == 0;
          }
          if (first) {
            LOG.warn("cannot watch the Sentinels for a failover of '{}' (retrying every {} ms): {}", masterName,
                RETRY_MS, e.toString());
          } else {
            LOG.debug("still cannot watch the Sentinels: {}", e.toString());
          }
          retry();
        });
  }

  private Future<Void> subscribe(RedisConnection c, Response address) {
    String master = address == null || address.size() < 2 ? null : address.get(0) + ":" + address.get(1);
    String before;
    synchronized (this) {
      if (closed) {
        c.close();
        return Future.succeededFuture();
      }
      connection = c;
      if (failures > 0) {
        LOG.info("watching the Sentinels for a failover of '{}' again", masterName);
        failures = 0;
      }
      before = knownMaster;
      knownMaster = master;
    }
    if (before != null && master != null && !before.equals(master)) {
      switched("while the Sentinel connection was down: " + before + " -> " + master);
    }
    c.handler(this::onMessage);
    c.exceptionHandler(e -> lost(c));
    c.endHandler(v -> lost(c));
    return c.send(Request.cmd(Command.SUBSCRIBE).arg("+switch-master")).mapEmpty();
  }

  /** {@code message +switch-master "<name> <old-ip> <old-port> <new-ip> <new-port>"}. */
  private void onMessage(Response message) {
    if (message == null || message.size() < 3 || !"message".equals(message.get(0).toString())) {
      return;
    }
    String[] parts = message.get(2).toString().split(" ");
    if (parts.length == 5 && parts[0].equals(masterName)) {
      synchronized (this) {
        knownMaster = parts[3] + ":" + parts[4];
      }
      switched(parts[1] + ":" + parts[2] + " -> " + knownMaster);
    }
  }

  private void switched(String how) {
    LOG.info("Sentinel failover of '{}' ({}): reconnecting to the new master", masterName, how);
    onSwitch.run();
  }

  private void lost(RedisConnection c) {
    synchronized (this) {
      if (connection != c) {
        return;
      }
      connection = null;
    }
    c.close();
    retry();
  }

  private void retry() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    vertx.setTimer(RETRY_MS, t -> start());
  }

  public Future<Void> close() {
    RedisConnection c;
    synchronized (this) {
      closed = true;
      c = connection;
      connection = null;
    }
    if (c != null) {
      c.close();
    }
    return sentinels.close();
  }
}
