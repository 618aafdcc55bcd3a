package io.streambus.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A master, one replica and one or more Sentinels, all real server processes on loopback of the flavor
 * {@link RedisFlavor#fromSystemPropertyForMultiNode()} (Debian's redis-server 7.0, or valkey-server).
 *
 * <p>Contract: {@link #start} returns once the replica's link to the master is up and every Sentinel reports the
 * master with its replica and knows the other Sentinels (30 s deadline). The quorum is a majority of the Sentinels,
 * {@code down-after-milliseconds} is 1000, so after
 * {@link RedisServer#kill()} of the master the replica is promoted within a few seconds, and
 * {@link #failover()} promotes it at once. Roles are always asked of a running Sentinel, never remembered.
 * {@link #close()} closes every process.
 */
public final class RedisSentinel implements AutoCloseable {
    /** The name under which the Sentinel monitors the master. */
    public static final String MASTER_NAME = "streambus";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> dataNodes;
    private final List<RedisServer> sentinels;

    private RedisSentinel(List<RedisServer> dataNodes, List<RedisServer> sentinels) {
        this.dataNodes = List.copyOf(dataNodes);
        this.sentinels = List.copyOf(sentinels);
    }

    /** Starts master, replica and one Sentinel, and waits until the Sentinel sees both data nodes. */
    public static RedisSentinel start() {
        return start(1);
    }

    /** Starts master, replica and {@code count} Sentinels (quorum: a majority), and waits until they are ready. */
    public static RedisSentinel start(int count) {
        RedisFlavor flavor = RedisFlavor.fromSystemPropertyForMultiNode();
        List<RedisServer> started = new ArrayList<>();
        try {
            // no 5 s wait for more replicas before a full sync, on either node (each is master at some point)
            RedisServer master = RedisServer.builder().flavor(flavor).name("sentinel-master")
                    .args("--repl-diskless-sync-delay", "0").start();
            started.add(master);
            RedisServer replica = RedisServer.builder().flavor(flavor).name("sentinel-replica")
                    .args("--replicaof", RedisServer.HOST, Integer.toString(master.port()),
                            "--repl-diskless-sync-delay", "0")
                    .start();
            started.add(replica);
            List<RedisServer> sentinels = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RedisServer sentinel = RedisServer.builder().flavor(flavor).name("sentinel-" + i)
                        .sentinel(MASTER_NAME, master.port(), count / 2 + 1).start();
                started.add(sentinel);
                sentinels.add(sentinel);
            }
            RedisSentinel setup = new RedisSentinel(List.of(master, replica), sentinels);
            Poll.until(START_TIMEOUT, () -> "up".equals(RedisServer.infoField(
                    replica.command("INFO", "replication"), "master_link_status")), () -> "the replica's link is up");
            for (RedisServer sentinel : sentinels) {
                // promotable: connected, and the Sentinel has the replica's own INFO (else SENTINEL FAILOVER answers
                // NOGOODSLAVE); and it knows every other Sentinel (a vote after a master's death needs them)
                Poll.until(START_TIMEOUT, () -> {
                    String replicas = sentinel.command("SENTINEL", "REPLICAS", MASTER_NAME);
                    String master0 = RedisServer.infoField(sentinel.command("INFO", "sentinel"), "master0");
                    return replicas.contains("\nport\n" + replica.port() + "\n")
                            && replicas.contains("\nflags\nslave\n")
                            && replicas.contains("\nmaster-link-status\nok\n")
                            && master0 != null && master0.contains(",sentinels=" + count);
                }, () -> "Sentinel " + sentinel.port() + " not ready: "
                        + sentinel.command("SENTINEL", "REPLICAS", MASTER_NAME).replace('\n', ' ') + " / "
                        + RedisServer.infoField(sentinel.command("INFO", "sentinel"), "master0"));
            }
            return setup;
        } catch (RuntimeException | Error e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    /** Connection strings of the Sentinels (what a client in Sentinel mode is given), in start order. */
    public List<String> sentinelUris() {
        List<String> uris = new ArrayList<>();
        sentinels.forEach(s -> uris.add(s.uri()));
        return uris;
    }

    /** Every Sentinel, in start order (including killed ones). */
    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /** The first Sentinel that is running. */
    public RedisServer sentinel() {
        return sentinels.stream().filter(RedisServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Sentinel is running"));
    }

    /** Master and replica, in start order, whatever their roles now. */
    public List<RedisServer> dataNodes() {
        return dataNodes;
    }

    /** The data node the Sentinel currently names as master. */
    public RedisServer master() {
        String reply = sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        int port = Integer.parseInt(reply.split("\n")[1]);
        for (RedisServer node : dataNodes) {
            if (node.port() == port) {
                return node;
            }
        }
        throw new IllegalStateException("the Sentinel names an unknown master: " + reply.replace('\n', ' '));
    }

    /**
     * Asks a running Sentinel to promote the replica now (SENTINEL FAILOVER), and waits (30 s) until it names the other
     * node as master and that node says it is one.
     *
     * @return the new master
     */
    public RedisServer failover() {
        RedisServer old = master();
        sentinel().command("SENTINEL", "FAILOVER", MASTER_NAME);
        return awaitNewMaster(old, START_TIMEOUT);
    }

    /** Waits until the Sentinel names a master other than {@code old} and that node reports role:master. */
    public RedisServer awaitNewMaster(RedisServer old, Duration timeout) {
        Poll.until(timeout, () -> {
            RedisServer now = master();
            return now != old && "master".equals(RedisServer.infoField(now.command("INFO", "replication"), "role"));
        }, () -> "the Sentinel promoted a new master (it names " + sentinel().command("SENTINEL",
                "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).replace('\n', ':') + ")");
        return master();
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServer::close);
        dataNodes.forEach(RedisServer::close);
    }
}
