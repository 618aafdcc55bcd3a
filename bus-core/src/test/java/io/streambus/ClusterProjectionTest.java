package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Projections on a real 3-master Redis Cluster: each partition's model keys carry its hash tag, so they sit in its
 * slot with its stream and the step stays one atomic script; the partitions spread over the masters. The same tests
 * as on one server, the model read from the master that owns each key.
 */
@Tag("cluster")
class ClusterProjectionTest extends ProjectionTest {
  @RegisterExtension
  static final SharedCluster CLUSTER = new SharedCluster();

  @Override
  protected BusOptions busOptions() {
    return CLUSTER.busOptions().setPartitions(1);
  }

  @Override
  protected String on(String key, String... args) {
    return CLUSTER.on(key, args);
  }
}
