package io.streambus;

import io.streambus.testsupport.RedisCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A 3-master Redis Cluster (no replicas) for the tests of one class: started before the first test, closed after the
 * last. Register it as a static field ({@code @RegisterExtension static final SharedCluster CLUSTER = ...}): the
 * cluster variants of the single-server suites extend those suites, so a base class cannot carry it.
 */
final class SharedCluster implements BeforeAllCallback, AfterAllCallback {
  private RedisCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = RedisCluster.start(3, 0);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  RedisCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("the cluster runs from before the first test to after the last");
    }
    return cluster;
  }

  /** The bus options of the cluster: its masters, key prefix {@code test}, {@link ClusterTest#PARTITIONS} partitions. */
  BusOptions busOptions() {
    return ClusterTest.clusterOptions(cluster());
  }

  /** A command on the master that owns {@code key}. */
  String on(String key, String... args) {
    return cluster().nodeForSlotOwner(key).command(args);
  }
}
