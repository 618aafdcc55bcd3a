package io.streambus.dashboard;

import io.streambus.BusOptions;
import io.streambus.testsupport.BuildConsole;
import io.streambus.testsupport.ManagedRedis;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisFlavor;
import io.streambus.testsupport.RedisServer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The managed-Redis profile's cluster ({@link ManagedRedis#startCluster}: TLS only, 3 masters with a replica each, the
 * barred commands renamed away, {@code default} off) for the dashboard's tests, with two more users on every node,
 * holding exactly the rules docs/security.md gives the dashboard's roles: {@value #DASHBOARD_USER} (read only) and
 * {@value #OPERATOR_USER} (the dashboard with its dead-letter actions). The test's own producers and consumers use
 * the profile's application user. {@link #assertNothingRefused()} fails when any node's {@code ACL LOG} holds an
 * entry: a command some user was refused.
 */
final class ManagedCluster implements AutoCloseable {
  /** What every role needs to connect to a cluster (docs/security.md). */
  static final String CONNECT = "-@all +hello +ping +select +exists +cluster|slots";
  /** The read-only dashboard role of docs/security.md. */
  static final String DASHBOARD = "+hkeys +hget +xinfo|stream +xinfo|groups +xinfo|consumers +xlen +zcard +xrange"
      + " +xrevrange +xpending +get +evalsha +eval";
  /** What the dead-letter operator adds to the dashboard role (docs/security.md). */
  static final String OPERATOR = "+xadd +xdel +xtrim";
  static final String DASHBOARD_USER = "dashboard";
  static final String OPERATOR_USER = "operator";

  private final String prefix;
  private final ManagedRedis managed;
  private final RedisCluster cluster;
  private final String password = "dash-" + UUID.randomUUID();

  private ManagedCluster(String prefix, ManagedRedis managed, RedisCluster cluster) {
    this.prefix = prefix;
    this.managed = managed;
    this.cluster = cluster;
  }

  /** Starts the cluster for keys under {@code prefix} (Redis 7 for the embedded 6.2, which cannot form one). */
  static ManagedCluster start(String prefix) {
    long t0 = System.nanoTime();
    ManagedRedis managed = ManagedRedis.create(prefix + ":*");
    RedisCluster cluster;
    try {
      cluster = managed.startCluster(RedisFlavor.fromSystemPropertyForMultiNode());
    } catch (RuntimeException e) {
      managed.close();
      throw e;
    }
    ManagedCluster c = new ManagedCluster(prefix, managed, cluster);
    try {
      c.addUser(DASHBOARD_USER, CONNECT + " " + DASHBOARD);
      c.addUser(OPERATOR_USER, CONNECT + " " + DASHBOARD + " " + OPERATOR);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    BuildConsole.println(String.format("managed cluster for the dashboard (%s): started in %d ms",
        cluster.nodes().get(0).server(), (System.nanoTime() - t0) / 1_000_000));
    return c;
  }

  /** ACL SETUSER on every node, replicas included: ACL changes are not replicated, and a replica may be promoted. */
  private void addUser(String user, String rules) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", user, "on", ">" + password, "~" + prefix + ":*",
        "resetchannels"));
    args.addAll(List.of(rules.split(" ")));
    for (RedisServer node : cluster.nodes()) {
      node.command(args.toArray(String[]::new));
    }
  }

  /** The profile's application user: every role's rules (the test's producers and consumers). */
  BusOptions appOptions() {
    return options(ManagedRedis.APP_USER, managed.appPassword());
  }

  /** As {@code user} ({@link #DASHBOARD_USER} or {@link #OPERATOR_USER}). */
  BusOptions options(String user) {
    return options(user, password);
  }

  private BusOptions options(String user, String secret) {
    return new BusOptions().setTopology(BusOptions.Topology.CLUSTER).setConnectionStrings(seeds(user, secret, 2))
        .setTlsCaPemPath(managed.caFile()).setKeyPrefix(prefix);
  }

  /** {@code BUS_REDIS_URL} for {@code user}: two masters as seeds, as an operator lists a configuration endpoint's. */
  String redisUrl(String user) {
    return String.join(",", seeds(user, password, 2));
  }

  private List<String> seeds(String user, String secret, int n) {
    return cluster.masters().stream().limit(n).map(m -> "rediss://" + user + ":" + secret + "@" + m.host() + ":"
        + m.port()).collect(Collectors.toList());
  }

  /** The CA file the servers' certificate is signed by. */
  String caFile() {
    return managed.caFile();
  }

  RedisCluster cluster() {
    return cluster;
  }

  /** A command, as the harness's admin user, on the master holding {@code key}. */
  String on(String key, String... args) {
    return cluster.nodeForSlotOwner(key).command(args);
  }

  /** Fails naming every node whose {@code ACL LOG} is not empty. */
  void assertNothingRefused() {
    List<String> refused = new ArrayList<>();
    for (RedisServer node : cluster.nodes()) {
      String log = ManagedRedis.aclLog(node);
      if (!log.isEmpty()) {
        refused.add(node + " ACL LOG:\n" + log);
      }
    }
    if (!refused.isEmpty()) {
      throw new AssertionError("the managed cluster refused a command:\n" + String.join("\n", refused));
    }
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      managed.close();
    }
  }
}
