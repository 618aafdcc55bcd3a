package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ordered processing on a real 3-master Redis Cluster: every partition, with its owner key, sits in its own slot, so
 * the partitions of a topic spread over the masters; the same tests as on one server.
 */
@Tag("cluster")
class ClusterOrderingTest extends OrderingTest {
  @RegisterExtension
  static final SharedCluster CLUSTER = new SharedCluster();

  @Override
  protected BusOptions busOptions() {
    return CLUSTER.busOptions().setPartitions(1);
  }
}
