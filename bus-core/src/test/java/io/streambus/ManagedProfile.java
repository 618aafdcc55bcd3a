package io.streambus;

import io.streambus.testsupport.BuildConsole;
import io.streambus.testsupport.FaultProxy;
import io.streambus.testsupport.ManagedRedis;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisFlavor;
import io.streambus.testsupport.RedisServer;
import io.streambus.testsupport.ServerlessEndpoint;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The servers of the managed-Redis profile for the tests of one class, started before the first test and closed
 * after the last: a managed variant of a contract suite extends the suite and names a shape with
 * {@code @ExtendWith}; {@link BusTestBase} then connects its buses there. Two shapes:
 * <ul>
 *   <li>{@link Cluster}: ElastiCache node-based with cluster mode on ({@link ManagedRedis}): 3 masters with a
 *       replica each, TLS only, the barred commands renamed away, the {@code default} user off; the bus connects as
 *       the application user through one node (as through a configuration endpoint) and trusts the CA;</li>
 *   <li>{@link Serverless}: ElastiCache Serverless ({@link ServerlessEndpoint}): one cluster-mode server of the
 *       same profile owning every slot, but plain TCP, behind {@link FaultProxy}'s Serverless mode (which cannot read
 *       TLS), which refuses what ElastiCache Serverless refuses; the bus connects to the proxy as a cluster
 *       client.</li>
 * </ul>
 * After the last test it fails the class if anything the bus sent was refused: an entry in a node's {@code ACL LOG}
 * (NOPERM), or a Serverless refusal other than the ones the bus is known to probe and fall back from
 * ({@link #EXPECTED_SERVERLESS_REFUSALS}). Servers run the flavor of {@code -Dstreambus.test.redis} (Redis 7 for the
 * embedded 6.2: the cluster needs options 6.2 lacks).
 */
abstract class ManagedProfile implements BeforeAllCallback, AfterAllCallback {
  /**
   * What the bus may send a Serverless cache and be refused: {@code CLIENT ID}, asked once per read connection to
   * learn whether a parked read can be ended with {@code CLIENT UNBLOCK}; refused, the reader closes its connection
   * instead.
   */
  static final Set<String> EXPECTED_SERVERLESS_REFUSALS = Set.of("CLIENT ID");

  private final boolean serverless;
  private final Set<String> allowedRefusals = new java.util.HashSet<>(EXPECTED_SERVERLESS_REFUSALS);
  private ManagedRedis managed;
  private RedisCluster cluster;
  private ServerlessEndpoint endpoint;
  private RedisServer server;
  private FaultProxy proxy;
  private long startedAt;

  private ManagedProfile(boolean serverless) {
    this.serverless = serverless;
  }

  /** ElastiCache node-based, cluster mode on: 3 masters with a replica each, TLS only, ACL user, barred commands. */
  static final class Cluster extends ManagedProfile {
    Cluster() {
      super(false);
    }
  }

  /** ElastiCache Serverless: one server with the ACL user and barred commands behind the Serverless proxy. */
  static final class Serverless extends ManagedProfile {
    Serverless() {
      super(true);
    }

    /** For a class that provokes these refusals on purpose (labels as {@link FaultProxy#refusals()} has them). */
    Serverless allowing(String... refusals) {
      allowedRefusals().addAll(List.of(refusals));
      return this;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    long t0 = System.nanoTime();
    RedisFlavor flavor = RedisFlavor.fromSystemPropertyForMultiNode();
    managed = ManagedRedis.create("test:*");
    if (serverless) {
      endpoint = managed.startServerless(flavor);
      server = endpoint.server();
      proxy = endpoint.proxy();
    } else {
      cluster = managed.startCluster(flavor);
    }
    startedAt = System.nanoTime();
    BusTestBase.useProfile(this);
    BuildConsole.println(String.format("managed profile %s for %s: %s started in %d ms", name(),
        context.getRequiredTestClass().getSimpleName(), servers().get(0).server(), (startedAt - t0) / 1_000_000));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (managed != null) {
        BuildConsole.println(String.format("managed profile %s for %s: the tests took %d ms%s", name(),
            context.getRequiredTestClass().getSimpleName(), (System.nanoTime() - startedAt) / 1_000_000,
            proxy == null ? "" : "; Serverless refusals: " + proxy.refusals() + ", connections dropped: "
                + proxy.drops()));
        assertNothingRefused();
      }
    } finally {
      BusTestBase.useProfile(null);
      if (endpoint != null) {
        endpoint.close();
      }
      if (cluster != null) {
        cluster.close();
      }
      if (managed != null) {
        managed.close();
      }
      endpoint = null;
      proxy = null;
      cluster = null;
      server = null;
      managed = null;
    }
  }

  private void assertNothingRefused() {
    List<String> refused = new ArrayList<>();
    for (RedisServer node : nodes()) {
      if (node.isRunning()) {
        String log = ManagedRedis.aclLog(node);
        if (!log.isEmpty()) {
          refused.add(node + " ACL LOG:\n" + log);
        }
      }
    }
    if (proxy != null) {
      for (Map.Entry<String, Integer> refusal : proxy.refusals().entrySet()) {
        if (!allowedRefusals.contains(refusal.getKey())) {
          refused.add("Serverless refused " + refusal.getKey() + " " + refusal.getValue() + " times");
        }
      }
    }
    if (!refused.isEmpty()) {
      throw new AssertionError("the managed service refused what the bus sent:\n" + String.join("\n", refused));
    }
  }

  Set<String> allowedRefusals() {
    return allowedRefusals;
  }

  private String name() {
    return serverless ? "serverless" : "cluster";
  }

  /** The bus options of the profile: where and how to connect, key prefix {@code test}; partitions left as they are. */
  BusOptions busOptions() {
    require();
    if (serverless) {
      return new BusOptions().setTopology(BusOptions.Topology.CLUSTER).setConnectionString("redis://"
          + ManagedRedis.APP_USER + ":" + managed.appPassword() + "@127.0.0.1:" + proxy.port()).setKeyPrefix("test");
    }
    return new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(List.of(managed.appUri(cluster.nodes().get(0)))).setTlsCaPemPath(managed.caFile())
        .setKeyPrefix("test");
  }

  /** A command, as the harness's admin, on the server (the master, in the cluster) that holds {@code key}. */
  String on(String key, String... args) {
    require();
    return serverless ? server.command(args) : cluster.nodeForSlotOwner(key).command(args);
  }

  /** The servers the bus's clients are connected to: the masters, or the one server. */
  List<RedisServer> servers() {
    require();
    return serverless ? List.of(server) : cluster.masters();
  }

  /** The Serverless proxy; null for the cluster. */
  FaultProxy proxy() {
    return proxy;
  }

  private List<RedisServer> nodes() {
    return serverless ? List.of(server) : cluster.nodes();
  }

  private void require() {
    if (managed == null) {
      throw new IllegalStateException("the managed servers run from before the first test to after the last");
    }
  }
}
