package io.streambus;

import io.streambus.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Idempotent publish on a real 3-master Redis Cluster: the stream and its idempotency keys share the partition's slot,
 * so the script is one atomic step on whichever master owns it; the same tests as on one server.
 */
@Tag("cluster")
class ClusterIdempotentPublishTest extends IdempotentPublishContract {
  static RedisCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected BusOptions busOptions() {
    return ClusterTest.clusterOptions(cluster);
  }

  @Override
  protected int partitions() {
    return ClusterTest.PARTITIONS;
  }

  @Override
  protected String on(String key, String... args) {
    return cluster.nodeForSlotOwner(key).command(args);
  }
}
