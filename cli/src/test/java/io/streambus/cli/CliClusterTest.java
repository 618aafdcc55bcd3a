package io.streambus.cli;

import io.streambus.BusOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.testsupport.RedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against a real 3-master Redis Cluster, connected as the jars connect ({@code --topology cluster}
 * and the masters' URLs): a topic's six partitions spread over the masters, read, shown, and reset on each node.
 */
@Tag("cluster")
class CliClusterTest {
  private static final String TOPIC = "spread";
  private static RedisCluster cluster;
  private static Vertx vertx;

  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start(3, 0);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    cluster.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine(new CliEnvironment(Map.of("BUS_REDIS_TOPOLOGY", "cluster"),
        new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--redis-url", String.join(",", cluster.uris()), "--key-prefix", "cc"));
    return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  @Test
  void readsShowsAndResetsEveryPartitionOnItsMaster() throws Exception {
    StreamBus bus = StreamBus.create(vertx, new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(cluster.uris()).setKeyPrefix("cc").setPartitions(6));
    List<MessageId> ids = new ArrayList<>();
    try {
      for (int i = 0; i < 30; i++) {
        ids.add(await(bus.publish(OutgoingMessage.text(TOPIC, "m" + i).key("k" + i))));
      }
    } finally {
      await(bus.close());
    }
    Set<String> masters = new HashSet<>();
    for (int p = 0; p < 6; p++) {
      String stream = "cc:{" + TOPIC + ":" + p + "}";
      masters.add(cluster.nodeForSlotOwner(stream).uri());
      cluster.nodeForSlotOwner(stream).command("XGROUP", "CREATE", stream, "g", "$");
    }
    assertThat(masters).as("the partitions spread over the masters").hasSizeGreaterThan(1);

    Run tail = run("tail", TOPIC, "--from", "beginning", "--no-follow", "--json");
    assertThat(tail.code()).as(tail.err()).isZero();
    assertThat(tail.out().lines().map(l -> new JsonObject(l).getString("payload")).toList()).hasSize(30);

    MessageId one = ids.get(17);
    Run show = run("show", TOPIC, one.partition() + "/" + one.value(), "--json");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(new JsonObject(show.out()).getString("payload")).isEqualTo("m17");
    // a bare entry id: found when one partition holds it, else the command asks which partition
    for (MessageId id : ids) {
      long sharing = ids.stream().filter(other -> other.value().equals(id.value())).count();
      Run bare = run("show", TOPIC, id.value(), "--json");
      if (sharing == 1) {
        assertThat(bare.code()).as(bare.err()).isZero();
        assertThat(new JsonObject(bare.out()).getInteger("partition")).isEqualTo(id.partition());
      } else {
        assertThat(bare.code()).isEqualTo(Cli.USAGE);
        assertThat(bare.err()).contains("is in partitions", "name one, as <partition>/" + id.value());
      }
    }

    Run reset = run("group", "reset", TOPIC, "g", "--to", "earliest", "--yes", "--json");
    assertThat(reset.code()).as(reset.err()).isZero();
    JsonObject result = new JsonObject(reset.out());
    assertThat(result.getLong("replayed")).isEqualTo(30);
    JsonArray partitions = result.getJsonArray("partitions");
    assertThat(partitions).hasSize(6);
    for (int p = 0; p < 6; p++) {
      String stream = "cc:{" + TOPIC + ":" + p + "}";
      assertThat(cluster.nodeForSlotOwner(stream).command("XINFO", "GROUPS", stream)).contains("0-0");
    }

    Run groups = run("groups", TOPIC, "--json");
    assertThat(new JsonArray(groups.out()).getJsonObject(0).getLong("lag")).isEqualTo(30);
  }
}
