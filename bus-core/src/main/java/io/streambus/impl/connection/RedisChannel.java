package io.streambus.impl.connection;

import io.streambus.BusException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One long-lived Redis connection that reconnects by itself. Commands sent on it are pipelined (nothing waits for
 * the previous reply). The bus keeps one channel for commands and one per blocking read loop, because a blocking
 * XREADGROUP holds its connection until it returns.
 *
 * <p>On a cluster the connection is the client's cluster connection: one socket per node, and a new one can only be
 * made once every node of the slot map answers. A node's lost socket therefore does not drop it: the sockets to the
 * other masters carry on, commands for the lost master's slots are retried on it until the slot map names the
 * promoted replica, and a replacement is connected in the background, swapped in once the cluster lets it connect,
 * and the old connection closed after what was sent on it has been answered (see {@link #degraded}).
 */
public final class RedisChannel {
  private static final String TLS_FAILED = "TLS handshake with Redis failed";
  /** The longest a replaced cluster connection waits for its markers' answers before it is closed anyway. */
  private static final long RETIRE_MAX_MS = 30_000;
  private final Vertx vertx;
  private final Redis client;
  private final String name;
  private final Backoff backoff;
  private final int selectDb;
  private final ClusterRoutes routes;
  /** Where the channel connects, {@code host:port} of each seed (no credentials), for error messages. */
  private final String addresses;
  /** Written under this object's lock; volatile so that sending, the hot path, reads it without the lock. */
  private volatile RedisConnection connection;
  private Future<RedisConnection> connecting;
  private int failures;
  /** The cluster connection a replacement is being connected for (see {@link #degraded}), else null. */
  private RedisConnection replacing;
  private volatile boolean closed;
  private final Deadlines deadlines;

  /**
   * @param selectDb the database of the connection string (see {@link #own}); ignored in a cluster
   * @param routes how to reach a given node in a cluster, null when not a cluster
   * @param addresses {@code host:port} of the seeds, named when a TLS handshake fails
   */
  public RedisChannel(Vertx vertx, Redis client, String name, int selectDb, ClusterRoutes routes, String addresses,
                      long reconnectInitialMs, long reconnectMaxMs) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.selectDb = selectDb;
    this.routes = routes;
    this.client = client;
    this.name = name;
    this.backoff = new Backoff(reconnectInitialMs, reconnectMaxMs);
    this.deadlines = new Deadlines(vertx, name);
  }

  /** The open connection, or a connect attempt (delayed by the backoff after failures). */
  public synchronized Future<RedisConnection> connection() {
    if (closed) {
      return Future.failedFuture(new BusException.Closed(name + " is closed"));
    }
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (connecting != null) {
      return connecting;
    }
    Promise<RedisConnection> promise = Promise.promise();
    Future<RedisConnection> attempt = promise.future();
    connecting = attempt;
    long delay = failures == 0 ? 0 : backoff.nextDelay();
    if (delay == 0) {
      connect(promise);
    } else {
      vertx.setTimer(delay, t -> connect(promise));
    }
    // not "connecting": a connect that completes at once has already cleared it
    return attempt;
  }

  private void connect(Promise<RedisConnection> promise) {
    open().onComplete(ar -> {
      synchronized (this) {
        connecting = null;
        if (ar.succeeded() && !closed) {
          RedisConnection c = ar.result();
          connection = c;
          failures = 0;
          backoff.reset();
          watch(c);
          deadlines.unreachable(null);
        } else {
          failures++;
          if (ar.succeeded()) {
            ar.result().close();
          } else {
            deadlines.unreachable("the last attempt to connect to " + addresses + " failed: "
                + RedisErrors.describe(ar.cause()));
          }
        }
      }
      if (ar.succeeded() && !isClosed()) {
        promise.complete(ar.result());
      } else {
        promise.fail(ar.succeeded() ? new BusException.Closed(name + " is closed") : ar.cause());
      }
    });
  }

  /**
   * Makes a pooled connection ours alone. The client pools every connection, and closing a pooled connection
   * returns it to the pool with whatever it still has in flight (a parked XREADGROUP, a command that timed out), for
   * the next borrower to receive. A SELECT marks it "tainted" for the pool, so that close() really closes the socket
   * and evicts it. A cluster connection holds one pooled socket per node: {@link ClusterRoutes#own} taints each
   * master's.
   */
  private Future<RedisConnection> own(RedisConnection c) {
    Future<?> owned = routes != null ? routes.own(c) : c.send(Request.cmd(Command.SELECT).arg(selectDb));
    return owned.map(r -> c).recover(e -> {
      c.close();
      return Future.failedFuture(e);
    });
  }

  /** A new connection, made ours ({@link #own}); a TLS failure reported as the bus reports it. */
  private Future<RedisConnection> open() {
    return client.connect().compose(this::own).recover(e -> Future.failedFuture(tlsFailed(e)));
  }

  /** What a lost socket of {@code c} does: drops it, or on a cluster only the node's socket (see {@link #lost}). */
  private void watch(RedisConnection c) {
    c.exceptionHandler(e -> lost(c));
    c.endHandler(v -> lost(c));
  }

  /**
   * {@code c} lost a socket or failed a command with a connection problem. Standalone, the connection is of no
   * further use: dropped, the next command reconnects. On a cluster the socket may have been one master's among
   * several: see {@link #degraded}.
   */
  private void lost(RedisConnection c) {
    if (routes == null) {
      invalidate(c);
    } else {
      degraded(c);
    }
  }

  /**
   * Keeps the cluster connection {@code c} in use and connects a replacement in the background, retrying with the
   * reconnect backoff. Dropping {@code c} at once would cost every partition the failover of one master: its
   * in-flight commands to the healthy masters would fail, and no new cluster connection can be made while the dead
   * master is in the slot map (the client connects to every node, and fails if one refuses).
   */
  private void degraded(RedisConnection c) {
    synchronized (this) {
      if (closed || connection != c || replacing == c) {
        return;
      }
      replacing = c;
    }
    replace(c);
  }

  private void replace(RedisConnection old) {
    synchronized (this) {
      if (closed || connection != old) {
        if (replacing == old) {
          replacing = null;
        }
        return;
      }
    }
    open().onComplete(ar -> {
      boolean swapped = false;
      synchronized (this) {
        if (ar.succeeded() && !closed && connection == old) {
          connection = ar.result();
          replacing = null;
          backoff.reset();
          swapped = true;
        } else if (ar.failed() && !closed && connection == old) {
          long delay = backoff.nextDelay();
          vertx.setTimer(delay, t -> replace(old));
          return;
        } else if (replacing == old) {
          replacing = null;
        }
      }
      if (ar.failed()) {
        return;
      }
      if (swapped) {
        watch(ar.result());
        retire(old, ar.result());
      } else {
        ar.result().close();
      }
    });
  }

  /**
   * Closes a replaced cluster connection once its masters have answered what was sent to them: a marker on each
   * master's socket, answered after everything sent before it (replies come in order), twice, so that a command
   * that read the old connection just before the swap is answered too. The markers also taint the sockets of
   * masters promoted since the connection was made, so that closing it closes them instead of pooling them.
   */
  private void retire(RedisConnection old, RedisConnection current) {
    // bounded: a socket that went half-open would never answer its marker, and the connection would never close
    routes.drain(old, current).compose(v -> routes.drain(old, current)).timeout(RETIRE_MAX_MS, TimeUnit.MILLISECONDS)
        .onComplete(v -> old.close());
  }

  /** Drops {@code c} if it is still the current connection: the next command reconnects. */
  public void invalidate(RedisConnection c) {
    synchronized (this) {
      if (connection != c) {
        return;
      }
      connection = null;
      failures = Math.max(failures, 1);
    }
    c.close();
  }

  /** Drops the current connection, whatever it is (used to abort a blocking read). */
  public void reset() {
    RedisConnection c;
    synchronized (this) {
      c = connection;
    }
    if (c != null) {
      invalidate(c);
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * True when the connection that failed with {@code e} is of no further use: it broke (not a Redis error reply), or
   * it leads to a master that was demoted to a replica (READONLY). A new connection asks again where the master is:
   * the Sentinels, or the cluster's slot map.
   */
  private static boolean dropsConnection(Throwable e) {
    String code = RedisErrors.code(e);
    return code == null || code.equals("READONLY");
  }

  /** Sends once; a failure other than a Redis error reply drops the connection so that the next send reconnects. */
  public Future<Response> send(Request request) {
    return once(c -> c.send(request));
  }

  /**
   * Sends once on {@code c}, which must be this channel's connection, to the node of {@code key} in a cluster (for
   * CLIENT ID / CLIENT UNBLOCK, which name a client of one node).
   */
  public Future<Response> sendOn(RedisConnection c, Request request, String key) {
    return routes == null ? c.send(request) : routes.sendAt(c, request, key);
  }

  private <T> Future<T> once(Function<RedisConnection, Future<T>> op) {
    return connection().compose(c -> op.apply(c).onFailure(e -> {
      if (dropsConnection(e)) {
        lost(c);
      }
    }));
  }

  /**
   * Sends, retrying connection losses and transient replies (LOADING, CLUSTERDOWN...) with backoff until
   * {@code deadline} (epoch ms). After the deadline the future fails with {@link BusException.Timeout} naming the
   * last error. Error replies that retrying cannot fix fail at once.
   */
  public Future<Response> send(Request request, long deadline) {
    return retrying(c -> c.send(request), deadline, Function.identity());
  }

  /**
   * Like {@link #send(Request, long)}, the reply turned into {@code T} by {@code reply} (whose exception fails the
   * future): one future less per command than mapping the returned one, on the publish path.
   */
  public <T> Future<T> send(Request request, long deadline, Function<Response, T> reply) {
    return retrying(c -> c.send(request), deadline, reply);
  }

  /**
   * Like {@link #send(Request, long)}, for a command the client cannot route by itself (XINFO, XGROUP have no key in
   * its command table): in a cluster it goes to the master of {@code key}'s slot instead of a random node, which
   * would answer MOVED and make the client drop its slot map.
   */
  public Future<Response> send(Request request, String key, long deadline) {
    if (routes == null) {
      return send(request, deadline);
    }
    return retrying(c -> routes.sendAt(c, request, key), deadline, Function.identity());
  }

  /**
   * Sends the requests together on one socket, in order, retrying the whole batch like {@link #send(Request, long)}.
   * In a cluster their keys must live on one node; keyless commands in the batch go to that node too (WAIT after
   * XADD counts the replicas of the master that stored the entry).
   */
  public Future<List<Response>> batch(List<Request> requests, long deadline) {
    return retrying(c -> ClusterRoutes.batch(c, requests), deadline, Function.identity());
  }

  /** @param reply turns the op's result into the future's; its exception fails the future */
  private <R, T> Future<T> retrying(Function<RedisConnection, Future<R>> op, long deadline, Function<R, T> reply) {
    Promise<T> promise = Promise.promise();
    attempt(op, deadline, reply, promise, null);
    if (!promise.future().isComplete()) {
      deadlines.watch(promise, deadline);
    }
    return promise.future();
  }

  /**
   * @param retryBackoff null until a retry is needed: most commands succeed at the first attempt
   */
  private <R, T> void attempt(Function<RedisConnection, Future<R>> op, long deadline, Function<R, T> reply,
                              Promise<T> promise, Backoff retryBackoff) {
    if (promise.future().isComplete()) {
      return;
    }
    RedisConnection c = closed ? null : connection;
    if (c == null) {
      once(op).onComplete(ar -> attempted(ar, op, deadline, reply, promise, retryBackoff));
      return;
    }
    // connected (the usual case): what once() does, without its completed future and compose for the connection
    Future<R> sent;
    try {
      sent = op.apply(c);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e); // as compose would have turned it
    }
    sent.onComplete(ar -> {
      if (ar.failed() && dropsConnection(ar.cause())) {
        lost(c);
      }
      attempted(ar, op, deadline, reply, promise, retryBackoff);
    });
  }

  private <R, T> void attempted(AsyncResult<R> ar, Function<RedisConnection, Future<R>> op, long deadline,
                                Function<R, T> reply, Promise<T> promise, Backoff retryBackoff) {
    if (ar.succeeded()) {
      T result;
      try {
        result = reply.apply(ar.result());
      } catch (RuntimeException e) {
        promise.tryFail(e);
        return;
      }
      promise.tryComplete(result);
      return;
    }
    Throwable e = ar.cause();
    Backoff backoff = retryBackoff != null ? retryBackoff : new Backoff(20, 500);
    long delay = backoff.nextDelay();
    if (e instanceof BusException.Closed || !RedisErrors.isRetryable(e)) {
      promise.tryFail(tlsFailed(e));
    } else if (System.currentTimeMillis() + delay >= deadline) {
      promise.tryFail(new BusException.Timeout("Redis unavailable until the deadline (" + name + "): " + e));
    } else {
      vertx.setTimer(delay, t -> attempt(op, deadline, reply, promise, backoff));
    }
  }

  /**
   * {@code e} as the bus reports a failed TLS handshake, naming the address tried (the node the cluster client
   * names, else the seeds), or {@code e} itself when it is not one or is already reported so.
   */
  private Throwable tlsFailed(Throwable e) {
    String tls = RedisErrors.tlsFailure(e);
    if (tls == null || (e instanceof BusException && e.getMessage().startsWith(TLS_FAILED))) {
      return e;
    }
    String at = RedisErrors.tlsFailureAddress(e);
    // the cluster client's text may name a node with its password: an SSLException of the reason alone stands in
    // for it as the cause (which also keeps the failure from being retried, see RedisErrors.isRetryable)
    Throwable cause = RedisErrors.hasSslException(e) ? e : new javax.net.ssl.SSLHandshakeException(tls);
    return new BusException(TLS_FAILED + " at " + (at != null ? at : addresses) + " (" + name + "): " + tls
        + "; check tlsCaPemPath, tlsCertPemPath and tlsKeyPemPath", cause);
  }

  public Future<Void> close() {
    RedisConnection c;
    synchronized (this) {
      closed = true;
      c = connection;
      connection = null;
    }
    return c == null ? Future.succeededFuture() : c.close();
  }
}
