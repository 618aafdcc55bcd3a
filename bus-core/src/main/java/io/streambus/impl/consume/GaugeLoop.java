package io.streambus.impl.consume;

import io.streambus.BusMeters;
import io.streambus.impl.topic.LagReader;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Refreshes the per-partition gauges: stream length, and the group's lag and pending entries. */
final class GaugeLoop {
  private final ConsumerScope scope;
  private final LagReader lag;
  private final Periodic periodic;

  GaugeLoop(ConsumerScope scope, LagReader lag) {
    this.scope = scope;
    this.lag = lag;
    this.periodic = new Periodic(scope.vertx, scope.options.getReclaimIntervalMs(), this::tick);
  }

  void start() {
    periodic.start();
    periodic.runNow();
  }

  void stop() {
    periodic.stop();
  }

  private Future<?> tick() {
    List<Future<?>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(refresh(p));
    }
    return Future.join(all);
  }

  private Future<Void> refresh(int partition) {
    String stream = scope.stream(partition);
    Future<Void> length = scope.commands.send(Request.cmd(Command.XLEN).arg(stream), scope.deadline()).map(r -> {
      scope.meters.gauge(BusMeters.STREAM_LENGTH, "Entries in the stream", false, partition).set(r.toLong());
      return null;
    });
    Future<Void> groups = scope.commands.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream), stream,
        scope.deadline()).compose(reply -> {
          for (Map<String, Response> g : Replies.maps(reply)) {
            if (scope.group.equals(Replies.stringOf(g, "name"))) {
              scope.meters.gauge(BusMeters.GROUP_PENDING, "Pending entries of the group", true, partition)
                  .set(Replies.longOf(g, "pending", 0));
              return lag.lag(stream, g).<Void>map(n -> {
                scope.meters.gauge(BusMeters.GROUP_LAG, "Entries not yet delivered to the group", true, partition)
                    .set(n);
                return null;
              });
            }
          }
          return Future.<Void>succeededFuture();
        });
    return Future.join(length, groups).<Void>mapEmpty()
        .onFailure(e -> scope.listener.onRedisError(stream, "gauges", e));
  }
}
