package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads and group resets on a real 3-master Redis Cluster: the partitions spread over the masters, and each reset step
 * (a script on the partition's keys) runs on the master that owns the partition.
 */
@Tag("cluster")
class ClusterGroupResetAndReadTest extends GroupResetAndReadTest {
  @RegisterExtension
  static final SharedCluster CLUSTER = new SharedCluster();

  @Override
  protected BusOptions options() {
    return CLUSTER.busOptions();
  }

  @Override
  protected String on(String key, String... args) {
    return CLUSTER.on(key, args);
  }
}
