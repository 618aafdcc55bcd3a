package io.streambus.impl.publish;

import io.streambus.BusException;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Whether the server runs WAIT, which {@code publishWaitReplicas} needs: asked once ({@code WAIT 0 0} returns at
 * once), before the first publish that waits, so that a server refusing it (ElastiCache Serverless has no WAIT; an ACL
 * user without {@code +wait} gets NOPERM) fails every such publish before anything is stored, with one error that says
 * why, instead of storing each entry and then failing it. A question that got no answer (Redis unreachable) is asked
 * again next time.
 */
final class ReplicaWait {
  private final RedisChannel channel;
  /** WAIT has no key: in a cluster it goes to the master of this one, like the WAIT after a write does. */
  private final String routeKey;
  private final int replicas;
  private volatile Future<Void> answer;

  ReplicaWait(RedisChannel channel, String routeKey, int replicas) {
    this.channel = channel;
    this.routeKey = routeKey;
    this.replicas = replicas;
  }

  /**
   * Succeeds when the server runs WAIT; fails with the reason it cannot, the same failure from then on. While the
   * question is on its way every caller waits for its answer: one question, however many publishes start at once.
   */
  Future<Void> check(long deadline) {
    Future<Void> known = answer;
    if (known != null && known.succeeded()) {
      return known; // the usual case, without the lock
    }
    synchronized (this) {
      return ask(deadline);
    }
  }

  private Future<Void> ask(long deadline) {
    Future<Void> known = answer;
    if (known != null && (!known.isComplete() || known.succeeded() || known.cause() instanceof Refused)) {
      return known;
    }
    Future<Void> asked = channel.send(Request.cmd(Command.WAIT).arg(0).arg(0), routeKey, deadline)
        .<Void>mapEmpty()
        // only a refusal is remembered: a transient reply (LOADING, READONLY during a failover...) that outlasted
        // the deadline is asked again next time, like a lost connection
        .recover(e -> Future.failedFuture(RedisErrors.isPermanent(e) ? new Refused(replicas, e) : e));
    answer = asked;
    return asked;
  }

  /** The server refused WAIT: no publish with {@code publishWaitReplicas} can succeed there. */
  static final class Refused extends BusException {
    Refused(int replicas, Throwable refusal) {
      super("publishWaitReplicas is " + replicas + ", which needs the WAIT command, and the server refuses it ("
          + refusal.getMessage() + "): ElastiCache Serverless has no WAIT (set publishWaitReplicas to 0 there; see"
          + " docs/managed-redis.md), and an ACL user needs +wait", refusal);
    }
  }
}
