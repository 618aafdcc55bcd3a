package io.streambus.testsupport;

import java.time.Duration;

/**
 * An endpoint shaped like ElastiCache Serverless's: a cluster whose one virtual node owns every slot, reached through
 * {@link FaultProxy}'s Serverless mode. Behind the proxy runs one cluster-mode server of a {@link ManagedRedis}
 * profile (its application user and barred commands, plain TCP for the proxy to read), owning all 16384 slots and
 * announcing the proxy's port, so that a cluster client that reads {@code CLUSTER SLOTS} comes back through the proxy,
 * as it does to the service's endpoint. {@link #close()} closes the proxy and the server.
 */
public final class ServerlessEndpoint implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final RedisServer server;
    private final FaultProxy proxy;

    private ServerlessEndpoint(RedisServer server, FaultProxy proxy) {
        this.server = server;
        this.proxy = proxy;
    }

    /** Starts the server and its proxy, and waits (10 s deadline) until the server's one-node cluster is up. */
    static ServerlessEndpoint start(ManagedRedis profile, RedisFlavor flavor) {
        int serverPort = Ports.freeForCluster();
        FaultProxy proxy = FaultProxy.startServerless(RedisServer.HOST, serverPort);
        RedisServer server = null;
        try {
            server = profile.configurePlain(RedisServer.builder().flavor(flavor).name("serverless").port(serverPort)
                    .cluster(true).args("--cluster-announce-ip", RedisServer.HOST, "--cluster-announce-port",
                            String.valueOf(proxy.port())))
                    .start();
            server.command("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            RedisServer up = server;
            Poll.until(READY_TIMEOUT, () -> "ok".equals(RedisServer.infoField(up.command("CLUSTER", "INFO"),
                    "cluster_state")), () -> "the one-node cluster is not ok: " + up.command("CLUSTER", "INFO"));
            return new ServerlessEndpoint(server, proxy);
        } catch (RuntimeException | Error e) {
            proxy.close();
            if (server != null) {
                server.close();
            }
            throw e;
        }
    }

    /** The server behind the proxy, for the harness (as the admin user, past the proxy). */
    public RedisServer server() {
        return server;
    }

    /** The Serverless proxy the application connects to. */
    public FaultProxy proxy() {
        return proxy;
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } finally {
            server.close();
        }
    }
}
