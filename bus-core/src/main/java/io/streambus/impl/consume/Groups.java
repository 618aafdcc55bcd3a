package io.streambus.impl.consume;

import io.streambus.impl.connection.RedisErrors;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** The subscription's consumer group on each partition: created at start, recreated when it vanished. */
final class Groups {
  private final ConsumerScope scope;

  Groups(ConsumerScope scope) {
    this.scope = scope;
  }

  /**
   * Recreates a group that vanished under a running subscription (deleted by hand, or lost with a failover to a
   * replica that had not received it): from the beginning of the stream, not from the configured start position.
   * Whatever the stream holds was either never delivered to the group or not acknowledged by it as far as Redis can
   * tell now; starting at "$" would silently skip what was published since the loss. Duplicates, not losses.
   */
  Future<Void> recreate(int partition) {
    return ensure(partition, "0");
  }

  /** XGROUP CREATE ... MKSTREAM at {@code startId}; an existing group is fine (BUSYGROUP). */
  Future<Void> ensure(int partition, String startId) {
    String stream = scope.stream(partition);
    Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(scope.group).arg(startId)
        .arg("MKSTREAM");
    return scope.commands.send(create, stream, scope.deadline()).<Void>mapEmpty().recover(e ->
        RedisErrors.is(e, "BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
