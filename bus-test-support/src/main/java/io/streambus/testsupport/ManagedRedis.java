package io.streambus.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Servers set up the way a node-based managed service (AWS ElastiCache for Valkey / Redis OSS) runs them, for tests:
 * the commands it restricts renamed away ({@link #BARRED}: they answer {@code ERR unknown command}, the text
 * ElastiCache gives), the {@code default} user off, an application user with a password whose ACL allows what the
 * bus's roles need ({@link #APP_RULES}) on the keys of one prefix, and TLS only ({@code port 0}; replication and the
 * cluster bus over TLS too). {@link #startCluster} makes the cluster-mode-enabled shape: 3 masters with a replica each.
 *
 * <p>The harness needs more than the application may: forming the cluster ({@code CLUSTER ADDSLOTS / MEET}) and
 * promoting a replica ({@code CLUSTER FAILOVER}). It logs in as a separate {@code admin} user, which the managed
 * service would keep to itself; replicas log in to their masters as that user too. Servers are stopped by signal,
 * SHUTDOWN being barred. PSYNC and SYNC stay: renaming them away breaks replication on Redis 7.0, and a client
 * never sends them anyway. Subcommands cannot be renamed: what a service refuses by subcommand ({@code ACL SETUSER},
 * the slot-changing {@code CLUSTER} ones) the application user's ACL leaves out, which answers {@code NOPERM}.
 *
 * <p>{@link #close()} deletes the certificates; the servers are closed by their owner.
 */
public final class ManagedRedis implements AutoCloseable {

    /** What node-based ElastiCache restricts (docs.aws.amazon.com/AmazonElastiCache/latest/dg/ClientConfig.RestrictedCommands.html), but SYNC and PSYNC. */
    public static final List<String> BARRED = List.of("CONFIG", "DEBUG", "SAVE", "BGSAVE", "BGREWRITEAOF", "SHUTDOWN",
            "REPLICAOF", "SLAVEOF", "MIGRATE");

    /** The application user's name. */
    public static final String APP_USER = "app";

    /**
     * The application user's commands: the union of the roles in docs/security.md (producer, consumer, projector,
     * requester, dashboard, dead-letter operator) plus {@code XGROUP DESTROY} and {@code XGROUP SETID} of the
     * administrator's {@code deleteGroup} and {@code resetGroup}. Every other command, {@code CONFIG}, {@code ACL},
     * {@code KEYS} and the cluster's slot-changing subcommands included, answers NOPERM.
     */
    public static final String APP_RULES = "-@all +hello +ping +select +exists +cluster|slots"
            // producer
            + " +hsetnx +hget +xadd +evalsha +eval +zadd +wait +xinfo|groups +xpending +xtrim +incrby +time +hset +hdel"
            + " +zrangebyscore +zrem +zscore +pexpire"
            // consumer
            + " +xgroup|create +xgroup|delconsumer +xreadgroup +xack +xclaim +xinfo|consumers +xlen +xrange +client|id"
            + " +client|unblock +hgetall +get +set +del +zmscore +zremrangebyscore"
            // projector
            + " +type +hincrby +hincrbyfloat +incr +decr +decrby +incrbyfloat +append +sadd +srem +zincrby +lpush +rpush"
            + " +ltrim +expire +persist"
            // requester (requests: the reply stream is read with XREAD; DEL of it on close is the consumer's)
            + " +xread"
            // dashboard and dead-letter operator
            + " +hkeys +xinfo|stream +zcard +xdel +xrevrange"
            // administrator: BusAdmin.deleteGroup, BusAdmin.resetGroup
            + " +xgroup|destroy +xgroup|setid";

    static final String ADMIN_USER = "admin";

    private final TestCertificates certificates;
    private final String keyPattern;
    private final String appRules;
    private final String appPassword = "app-" + UUID.randomUUID();
    private final String adminPassword = "admin-" + UUID.randomUUID();

    private ManagedRedis(TestCertificates certificates, String keyPattern, String appRules) {
        this.certificates = certificates;
        this.keyPattern = keyPattern;
        this.appRules = appRules;
    }

    /**
     * A profile whose application user may touch the keys matching {@code keyPattern} (e.g. {@code "bus:*"}) with
     * {@link #APP_RULES}; makes fresh certificates.
     */
    public static ManagedRedis create(String keyPattern) {
        return create(keyPattern, APP_RULES);
    }

    /** Like {@link #create(String)} with other rules for the application user (e.g. one role's, to see it refused). */
    public static ManagedRedis create(String keyPattern, String appRules) {
        if (keyPattern == null || keyPattern.isBlank() || keyPattern.contains(" ")) {
            throw new IllegalArgumentException("a key pattern such as bus:*, not " + keyPattern);
        }
        return new ManagedRedis(TestCertificates.create(), keyPattern, appRules);
    }

    /**
     * Sets a server up as this profile says: TLS only, {@link #BARRED} renamed away, {@code default} off, the
     * {@code admin} user for the harness and for replication, the application user.
     */
    public RedisServer.Builder configure(RedisServer.Builder server) {
        return configurePlain(server).tlsOnly(certificates);
    }

    /** Like {@link #configure} but on plain TCP: for behind a proxy that reads what the client sends. */
    RedisServer.Builder configurePlain(RedisServer.Builder server) {
        List<String> args = new ArrayList<>(List.of("--user", "default", "off", "resetpass"));
        args.addAll(List.of("--user", ADMIN_USER, "on", ">" + adminPassword, "~*", "&*", "+@all"));
        List<String> app = new ArrayList<>(List.of("--user", APP_USER, "on", ">" + appPassword, "~" + keyPattern,
                "resetchannels"));
        app.addAll(List.of(appRules.trim().split("\\s+")));
        args.addAll(app);
        args.addAll(List.of("--masteruser", ADMIN_USER, "--masterauth", adminPassword));
        return server.barred(BARRED.toArray(String[]::new)).user(ADMIN_USER, adminPassword)
                .args(args.toArray(String[]::new));
    }

    /** One server of this profile (cluster mode off, no replica). */
    public RedisServer startServer(RedisFlavor flavor) {
        return configure(RedisServer.builder().flavor(flavor).name("managed")).start();
    }

    /**
     * One server of this profile but on plain TCP: for behind a proxy that reads what the client sends
     * ({@link FaultProxy#startServerless}), which cannot read TLS.
     */
    public RedisServer startPlainServer(RedisFlavor flavor) {
        return configurePlain(RedisServer.builder().flavor(flavor).name("managed-plain")).start();
    }

    /**
     * ElastiCache Serverless's shape: one virtual node owning every slot, behind {@link FaultProxy}'s Serverless mode
     * (see {@link ServerlessEndpoint}). The application connects to the proxy, as a cluster client.
     */
    public ServerlessEndpoint startServerless(RedisFlavor flavor) {
        return ServerlessEndpoint.start(this, flavor);
    }

    /** The cluster-mode-enabled shape: 3 masters with a replica each, every node of this profile. */
    public RedisCluster startCluster(RedisFlavor flavor) {
        return RedisCluster.start(flavor, 3, 1, this::configure);
    }

    /** The application user's password. */
    public String appPassword() {
        return appPassword;
    }

    /** The CA that signed the servers' certificate (PEM), for the client's trust. */
    public String caFile() {
        return certificates.file("ca.crt");
    }

    /** {@code rediss://app:<password>@127.0.0.1:<port>}: how the application reaches {@code server}. */
    public String appUri(RedisServer server) {
        return "rediss://" + APP_USER + ":" + appPassword + "@" + server.host() + ":" + server.port();
    }

    TestCertificates certificates() {
        return certificates;
    }

    /** {@code ACL LOG} of {@code server}: what it refused the application (or anyone), newest first; empty if nothing. */
    public static String aclLog(RedisServer server) {
        String log = server.command("ACL", "LOG");
        return log == null ? "" : log;
    }

    @Override
    public void close() {
        certificates.close();
    }
}
