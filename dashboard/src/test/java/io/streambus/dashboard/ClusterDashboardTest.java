package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.testsupport.RedisCluster;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A topic partitioned over a Redis Cluster shows as one topic with its partitions, each matching its master. */
@Tag("cluster")
class ClusterDashboardTest extends DashboardTestBase {
  private RedisCluster cluster;
  private HttpServer server;

  @AfterEach
  void stopCluster() {
    if (server != null) {
      await(server.close());
    }
    stopEverything();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aClusteredTopicIsOneTopicWithItsPartitions() {
    cluster = RedisCluster.start(3, 0);
    StreamBus bus = bus(new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(cluster.uris()).setKeyPrefix(prefix).setPartitions(6)
        .setTrimPolicy(BusOptions.TrimPolicy.NONE));
    await(bus.subscribe("orders", "billing", m -> Future.succeededFuture(), null));
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(bus.publish(OutgoingMessage.text("orders", "o" + i).key("customer-" + i)));
    }
    await(Future.all(sent));

    Router root = Router.router(vertx);
    root.route("/*").subRouter(DashboardRouter.create(vertx, bus, new DashboardOptions()));
    server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    baseUrl = "http://127.0.0.1:" + server.actualPort();

    JsonObject topic = awaitJson("/api/topics/orders", t -> t.getLong("length", 0L) == 60
        && t.getJsonArray("groups").stream().map(JsonObject.class::cast)
            .anyMatch(g -> g.getLong("lag", -1L) == 0 && g.getLong("pending", -1L) == 0),
        "60 entries, all consumed");
    assertThat(topic.getInteger("partitionCount")).isEqualTo(6);
    JsonArray partitions = topic.getJsonArray("partitions");
    assertThat(partitions).hasSize(6);
    long masters = partitions.stream().map(JsonObject.class::cast)
        .map(p -> cluster.nodeForSlotOwner(p.getString("stream")).port()).distinct().count();
    assertThat(masters).as("partitions spread over the masters").isGreaterThan(1);
    for (Object o : partitions) {
      JsonObject p = (JsonObject) o;
      String stream = p.getString("stream");
      assertThat(p.getLong("length")).as(stream)
          .isEqualTo(Long.parseLong(cluster.nodeForSlotOwner(stream).command("XLEN", stream)));
    }
  }
}
