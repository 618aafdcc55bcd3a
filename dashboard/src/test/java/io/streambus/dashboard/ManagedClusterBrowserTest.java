package io.streambus.dashboard;

import io.streambus.BusOptions;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/**
 * {@link BrowserTest}, every test of it, with the bus and the dashboard on the managed-Redis profile's cluster (TLS
 * only, 3 masters with a replica each, barred commands renamed away): the test's producers and consumers as the
 * application user, the dashboard as the dead-letter operator of docs/security.md, which replays through the page.
 * The class fails at the end if any node's {@code ACL LOG} holds a refusal.
 */
@Tag("cluster")
@Tag("managed")
class ManagedClusterBrowserTest extends BrowserTest {
  private ManagedCluster managed;

  @Override
  protected void startServers() {
    managed = ManagedCluster.start(PREFIX);
  }

  @Override
  protected BusOptions busOptions() {
    return managed.appOptions().setTopicPartitions(Map.of("shop", 2));
  }

  @Override
  protected BusOptions dashboardBusOptions() {
    return managed.options(ManagedCluster.OPERATOR_USER).setTopicPartitions(Map.of("shop", 2));
  }

  @Override
  protected String command(String key, String... args) {
    return managed.on(key, args);
  }

  @Override
  protected void stopServers() {
    if (managed == null) {
      return;
    }
    try {
      managed.assertNothingRefused();
    } finally {
      managed.close();
    }
  }
}
