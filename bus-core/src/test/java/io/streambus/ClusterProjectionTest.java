package io.streambus;

import io.streambus.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * Projections on a real 3-master Redis Cluster: each partition's model keys carry its hash tag, so they sit in its
 * slot with its stream and the step stays one atomic script; the partitions spread over the masters. The same tests
 * as on one server, the model read from the master that owns each key.
 */
@Tag("cluster")
class ClusterProjectionTest extends ProjectionTest {
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

  @Override
  protected String on(String key, String... args) {
    return cluster.nodeForSlotOwner(key).command(args);
  }
}
