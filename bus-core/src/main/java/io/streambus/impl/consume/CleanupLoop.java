package io.streambus.impl.consume;

import io.streambus.impl.wire.DeleteConsumerScript;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes other consumers of the group that are idle beyond {@code consumerCleanupIdleMs} and hold nothing (the
 * script re-checks atomically), so dead processes' names do not pile up in the group. Runs at a quarter of that bound,
 * between the reclaim interval and a minute.
 */
final class CleanupLoop {
  private static final long MAX_PERIOD_MS = 60_000;

  private final ConsumerScope scope;
  private final Periodic periodic;

  CleanupLoop(ConsumerScope scope) {
    this.scope = scope;
    long bound = scope.options.getConsumerCleanupIdleMs();
    long period = Math.max(scope.options.getReclaimIntervalMs(), Math.min(MAX_PERIOD_MS, bound / 4));
    this.periodic = bound == 0 ? null : new Periodic(scope.vertx, period, this::tick);
  }

  void start() {
    if (periodic != null) {
      periodic.start();
    }
  }

  void stop() {
    if (periodic != null) {
      periodic.stop();
    }
  }

  private Future<?> tick() {
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(cleanup(p));
    }
    return Future.join(all);
  }

  private Future<Void> cleanup(int partition) {
    long bound = scope.options.getConsumerCleanupIdleMs();
    String stream = scope.stream(partition);
    return scope.commands.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(scope.group), stream,
            scope.deadline())
        .compose(reply -> {
          List<Future<?>> all = new ArrayList<>();
          for (Map<String, Response> c : Replies.maps(reply)) {
            String name = Replies.stringOf(c, "name");
            if (!scope.consumer.equals(name) && Replies.longOf(c, "pending", 1) == 0
                && Replies.longOf(c, "idle", 0) > bound) {
              all.add(new DeleteConsumerScript(stream, scope.group, name).run(scope.commands, scope.deadline()));
            }
          }
          return Future.join(all).<Void>mapEmpty();
        })
        .onFailure(e -> scope.listener.onRedisError(stream, "consumer cleanup", e));
  }
}
