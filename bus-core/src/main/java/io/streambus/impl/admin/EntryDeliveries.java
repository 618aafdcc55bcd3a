package io.streambus.impl.admin;

import io.streambus.BusOptions;
import io.streambus.admin.EntryDelivery;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which groups hold one entry pending: XINFO GROUPS, then per group an XPENDING bounded to that one id. */
final class EntryDeliveries {
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;

  EntryDeliveries(RedisChannel channel, Keys keys, BusOptions options) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
  }

  private long deadline() {
    return System.currentTimeMillis() + options.getPublishTimeoutMs();
  }

  /** The topic, partition and id are checked by the caller. */
  Future<List<EntryDelivery>> of(String topic, int partition, String id) {
    String stream = keys.stream(topic, partition);
    return channel.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream), stream, deadline()).compose(reply -> {
      List<Future<EntryDelivery>> all = new ArrayList<>();
      for (Map<String, Response> g : Replies.maps(reply)) {
        String group = Replies.stringOf(g, "name");
        // a group with nothing pending cannot hold it: spare the round trip
        all.add(Replies.longOf(g, "pending", 1) == 0 ? Future.succeededFuture() : pending(stream, group, id));
      }
      return Future.all(all).map(cf -> {
        List<EntryDelivery> out = new ArrayList<>();
        all.forEach(f -> {
          if (f.result() != null) {
            out.add(f.result());
          }
        });
        return out;
      });
    }).recover(failure -> String.valueOf(failure.getMessage()).contains("no such key")
        ? Future.succeededFuture(List.of()) : Future.failedFuture(failure));
  }

  /** The extended XPENDING form from the id to the id: one element [id, consumer, idle, deliveries], or none. */
  private Future<EntryDelivery> pending(String stream, String group, String id) {
    Request r = Request.cmd(Command.XPENDING).arg(stream).arg(group).arg(id).arg(id).arg(1);
    return channel.send(r, deadline()).map(reply -> {
      if (reply == null || reply.size() == 0) {
        return null;
      }
      Response one = reply.get(0);
      return new EntryDelivery(group, one.get(1).toString(), one.get(2).toLong(), one.get(3).toLong());
    });
  }
}
