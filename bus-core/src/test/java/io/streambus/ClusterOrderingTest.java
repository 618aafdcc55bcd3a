package io.streambus;

import io.streambus.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Ordered processing on a real 3-master Redis Cluster: every partition, with its owner key, sits in its own slot, so
 * the partitions of a topic spread over the masters; the same tests as on one server.
 */
@Tag("cluster")
class ClusterOrderingTest extends OrderingTest {
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
    return ClusterTest.clusterOptions(cluster).setPartitions(1);
  }
}
