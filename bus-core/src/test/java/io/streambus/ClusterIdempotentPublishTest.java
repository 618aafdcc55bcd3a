package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotent publish on a real 3-master Redis Cluster: the stream and its idempotency keys share the partition's slot,
 * so the script is one atomic step on whichever master owns it; the same tests as on one server.
 */
@Tag("cluster")
class ClusterIdempotentPublishTest extends IdempotentPublishContract {
  @RegisterExtension
  static final SharedCluster CLUSTER = new SharedCluster();

  @Override
  protected BusOptions busOptions() {
    return CLUSTER.busOptions();
  }

  @Override
  protected int partitions() {
    return ClusterTest.PARTITIONS;
  }

  @Override
  protected String on(String key, String... args) {
    return CLUSTER.on(key, args);
  }
}
