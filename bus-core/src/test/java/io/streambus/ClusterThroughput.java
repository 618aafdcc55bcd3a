package io.streambus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.testsupport.RedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end throughput on a 3-master Redis Cluster on loopback with 1, 3 and 6 partitions: one bus publishes
 * {@code messages} 200-byte messages (at most {@code window} unacknowledged), three subscriptions of one group consume
 * them, and the rate is messages over the time from the first publish to the last acknowledgement. Run with
 * <pre>mvn -q -pl bus-core -am test-compile exec:java -Dexec.mainClass=io.streambus.ClusterThroughput
 *     -Dexec.classpathScope=test [-Dexec.args="50000 2000"]</pre>
 * Not a test: its figures depend on the machine (the cluster, the bus and the consumers share its cores).
 */
public final class ClusterThroughput {
  private ClusterThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Vertx vertx = Vertx.vertx();
    try (RedisCluster cluster = RedisCluster.start(3, 0)) {
      run(vertx, cluster, 1, messages / 5, window, "warm-up");
      for (int partitions : new int[] {1, 3, 6}) {
        run(vertx, cluster, partitions, messages, window, null);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private static void run(Vertx vertx, RedisCluster cluster, int partitions, int messages, int window,
                          String label) throws Exception {
    String topic = "throughput-" + partitions + "-" + System.nanoTime();
    StreamBus bus = StreamBus.create(vertx, ClusterTest.clusterOptions(cluster).setPartitions(partitions)
        .setMaxPendingPublishes(window * 2), new SimpleMeterRegistry());
    CountDownLatch done = new CountDownLatch(messages);
    AtomicInteger handled = new AtomicInteger();
    List<Subscription> subs = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      subs.add(get(bus.subscribe(topic, "g", m -> {
        handled.incrementAndGet();
        done.countDown();
        return Future.succeededFuture();
      }, new ConsumerOptions().setMaxInFlight(256).setBlockMs(500))));
    }
    String payload = "x".repeat(200);
    long started = System.nanoTime();
    List<Future<MessageId>> inFlight = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      inFlight.add(bus.publish(topic, payload));
      if (inFlight.size() == window) {
        get(Future.all(inFlight));
        inFlight.clear();
      }
    }
    get(Future.all(inFlight));
    double publishSeconds = (System.nanoTime() - started) / 1e9;
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + handled.get() + " of " + messages + " consumed in 120 s");
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (label == null) {
      System.out.printf("cluster 3 masters, %d partition(s): %,d messages end to end in %.2f s = %,.0f msg/s "
          + "(publish alone %,.0f msg/s)%n", partitions, messages, seconds, messages / seconds,
          messages / publishSeconds);
    }
    for (Subscription s : subs) {
      get(s.close());
    }
    get(bus.close());
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
