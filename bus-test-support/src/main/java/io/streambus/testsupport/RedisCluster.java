package io.streambus.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A Redis Cluster of real server processes on loopback (redis-server, or valkey-server for {@link RedisFlavor#VALKEY}),
 * created with the flavor's {@code redis-cli --cluster create} (or {@code valkey-cli}).
 *
 * <p>Contract: {@link #start} returns once every node reports {@code cluster_state:ok}, knows every
 * node and all 16384 slots, and every replica's link to its master is up (30 s deadline). Nodes use
 * {@code --cluster-node-timeout 2000}, so after {@link RedisServer#kill()} of a master its replica
 * takes over within a few seconds. Roles are always read from the cluster, never remembered from
 * start time. {@link #close()} closes every node.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int SLOTS = 16_384;

    private final RedisFlavor flavor;
    private final List<RedisServer> nodes;
    private final int replicasPerMaster;

    private RedisCluster(RedisFlavor flavor, List<RedisServer> nodes, int replicasPerMaster) {
        this.flavor = flavor;
        this.nodes = List.copyOf(nodes);
        this.replicasPerMaster = replicasPerMaster;
    }

    /**
     * Starts {@code masters} (at least 3) masters with {@code replicasPerMaster} replicas each, AOF off,
     * and waits (30 s deadline) until the cluster is fully formed. The flavor is
     * {@link RedisFlavor#fromSystemPropertyForMultiNode()}.
     */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        return start(masters, replicasPerMaster, node -> new String[0]);
    }

    /**
     * Like {@link #start(int, int)}, with {@code extraArgs.apply(i)} appended to node {@code i}'s command line (e.g.
     * a TLS port of its own with {@code --tls-cluster yes}). The harness keeps using the plain ports.
     */
    public static RedisCluster start(int masters, int replicasPerMaster, IntFunction<String[]> extraArgs) {
        return start(RedisFlavor.fromSystemPropertyForMultiNode(), masters, replicasPerMaster, extraArgs);
    }

    /** Like {@link #start(int, int, IntFunction)} on the given flavor (not EMBEDDED_6_2: it lacks --cluster-port). */
    public static RedisCluster start(RedisFlavor flavor, int masters, int replicasPerMaster,
            IntFunction<String[]> extraArgs) {
        return start(flavor, masters, replicasPerMaster, extraArgs, node -> { });
    }

    /**
     * Like {@link #start(RedisFlavor, int, int, IntFunction)}, each node's builder handed to {@code node} before it
     * starts (e.g. {@link ManagedRedis#configure}: TLS only, ACL users, barred commands). The harness then reaches
     * every node as its builder says (over TLS, as the user given to {@link RedisServer.Builder#user}), and so does
     * the {@code --cluster create} that forms the cluster.
     */
    public static RedisCluster start(RedisFlavor flavor, int masters, int replicasPerMaster,
            Consumer<RedisServer.Builder> node) {
        return start(flavor, masters, replicasPerMaster, i -> new String[0], node);
    }

    private static RedisCluster start(RedisFlavor flavor, int masters, int replicasPerMaster,
            IntFunction<String[]> extraArgs, Consumer<RedisServer.Builder> configure) {
        if (flavor == RedisFlavor.EMBEDDED_6_2) {
            throw new IllegalArgumentException("the embedded 6.2 server has no --cluster-port; use SYSTEM or VALKEY");
        }
        if (masters < 3) {
            throw new IllegalArgumentException("Redis Cluster needs at least 3 masters, not " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicasPerMaster " + replicasPerMaster);
        }
        List<RedisServer> started = new ArrayList<>();
        try {
            int total = masters * (1 + replicasPerMaster);
            for (int i = 0; i < total; i++) {
                RedisServer.Builder node = RedisServer.builder()
                        .flavor(flavor)
                        .name("cluster-node-" + i)
                        .args(extraArgs.apply(i))
                        .cluster(true);
                configure.accept(node);
                started.add(node.start());
            }
            RedisCluster cluster = new RedisCluster(flavor, started, replicasPerMaster);
            cluster.create();
            cluster.awaitFormed(START_TIMEOUT);
            return cluster;
        } catch (RuntimeException | Error e) {
            started.forEach(RedisServer::close);
            throw e;
        }
    }

    /** The flavor every node runs. */
    public RedisFlavor flavor() {
        return flavor;
    }

    /** Every node, in start order (including stopped or killed ones). */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The current masters, as a running node sees them in CLUSTER NODES: running, not failed. */
    public List<RedisServer> masters() {
        Map<Integer, NodeLine> view = view(anyRunning());
        List<RedisServer> result = new ArrayList<>();
        for (RedisServer node : nodes) {
            NodeLine line = view.get(node.port());
            if (line != null && line.isMaster() && !line.isFailing() && node.isRunning()) {
                result.add(node);
            }
        }
        return result;
    }

    /**
     * Makes {@code replica} the master of its shard at once, as a managed service's failover does
     * ({@code CLUSTER FAILOVER} on the replica: its master hands over, no write is lost), and waits until every node
     * agrees (30 s deadline).
     */
    public void failover(RedisServer replica) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // until the old master has turned into a replica too: for a moment both are flagged master
        BooleanSupplier done = () -> healthy() && masters().contains(replica)
                && masters().size() == nodes.size() / (1 + replicasPerMaster);
        while (true) {
            replica.command("CLUSTER", "FAILOVER");
            // a manual failover that did not complete within its own 5 s timeout is abandoned by the replica (seen
            // once on a loaded machine): asked again, as an operator would
            long retryAt = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(8));
            while (System.nanoTime() < retryAt) {
                if (done.getAsBoolean()) {
                    return;
                }
                Poll.sleep(50);
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("failover to " + replica + " did not complete within " + START_TIMEOUT + ": "
                        + describe());
            }
            System.err.println("RedisCluster: the manual failover to " + replica + " did not complete in 8 s; asking"
                    + " again. Its log:\n" + RedisServer.tail(replica.logFile(), 0));
        }
    }

    /** The running replicas, as a running node sees them in CLUSTER NODES. */
    public List<RedisServer> replicas() {
        Map<Integer, NodeLine> view = view(anyRunning());
        List<RedisServer> result = new ArrayList<>();
        for (RedisServer node : nodes) {
            NodeLine line = view.get(node.port());
            if (line != null && !line.isMaster() && node.isRunning()) {
                result.add(node);
            }
        }
        return result;
    }

    /** {@code redis://127.0.0.1:<port>} for every node, in start order. */
    public List<String> uris() {
        List<String> uris = new ArrayList<>();
        for (RedisServer node : nodes) {
            uris.add(node.uri());
        }
        return uris;
    }

    /**
     * The master that currently owns the slot of {@code key}, per CLUSTER KEYSLOT and CLUSTER NODES of a
     * running node. May be a dead node if the cluster has not yet noticed; use {@link #awaitHealthy} first.
     */
    public RedisServer nodeForSlotOwner(String key) {
        RedisServer asked = anyRunning();
        int slot = Math.toIntExact((Long) asked.commandRaw("CLUSTER", "KEYSLOT", key));
        for (NodeLine line : view(asked).values()) {
            if (line.isMaster() && line.owns(slot)) {
                return byPort(line.port);
            }
        }
        throw new IllegalStateException("no node owns slot " + slot + " (key " + key + ") according to " + asked);
    }

    /**
     * Moves the slot of {@code key}, with every key in it, from its owner to the master {@code to}, as
     * {@code redis-cli --cluster reshard} does: IMPORTING on the target, MIGRATING on the source, MIGRATE of the
     * keys in batches, then SETSLOT NODE on the target, the source and the other masters. Between the last MIGRATE
     * and the SETSLOTs it waits {@code askWindow}: the keys are on the target while the source still owns the slot,
     * so clients meet ASK redirections (and TRYAGAIN for keys split between the two) all that time.
     *
     * @return the master that owned the slot before
     */
    public RedisServer migrateSlotOf(String key, RedisServer to, Duration askWindow) {
        RedisServer from = nodeForSlotOwner(key);
        if (from == to) {
            throw new IllegalArgumentException(to + " already owns the slot of " + key);
        }
        String slot = String.valueOf(from.commandRaw("CLUSTER", "KEYSLOT", key));
        String fromId = from.command("CLUSTER", "MYID");
        String toId = to.command("CLUSTER", "MYID");
        to.command("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
        from.command("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
        while (true) {
            List<?> keys = (List<?>) from.commandRaw("CLUSTER", "GETKEYSINSLOT", slot, "100");
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", to.host(), String.valueOf(to.port()), "", "0",
                    "10000", "KEYS"));
            keys.forEach(k -> migrate.add(String.valueOf(k)));
            from.command(migrate.toArray(String[]::new));
        }
        Poll.sleep(askWindow.toMillis());
        List<RedisServer> order = new ArrayList<>(List.of(to, from));
        for (RedisServer master : masters()) {
            if (!order.contains(master)) {
                order.add(master);
            }
        }
        for (RedisServer node : order) {
            node.command("CLUSTER", "SETSLOT", slot, "NODE", toId);
        }
        return from;
    }

    /**
     * Waits until every running node says {@code cluster_state:ok} with all slots assigned, and in every
     * running node's view each slot-owning master is a running, non-failed node (so right after a master
     * is killed this waits for the failover rather than passing on a stale view).
     *
     * @throws AssertionError with each node's state on timeout
     */
    public void awaitHealthy(Duration timeout) {
        Poll.until(timeout, this::healthy, this::describe);
    }

    /** Closes every node (kills running ones, deletes their temp dirs). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (RedisServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void create() {
        List<String> cmd = new ArrayList<>();
        cmd.add(flavor.cli().toString());
        cmd.add("--cluster");
        cmd.add("create");
        for (RedisServer node : nodes) {
            cmd.add(node.host() + ":" + node.port());
        }
        cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        cmd.addAll(nodes.get(0).cliArgs());
        Path output = nodes.get(0).dir().resolve("cluster-create.out");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " --cluster create did not finish within " + START_TIMEOUT
                        + ":\n" + read(output));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd.get(0) + " --cluster create failed with exit code " + p.exitValue()
                        + ":\n" + read(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    private void awaitFormed(Duration timeout) {
        Poll.until(timeout, () -> {
            if (!healthy()) {
                return false;
            }
            for (RedisServer node : nodes) {
                String info = node.command("CLUSTER", "INFO");
                if (!String.valueOf(nodes.size()).equals(RedisServer.infoField(info, "cluster_known_nodes"))) {
                    return false;
                }
                String replication = node.command("INFO", "replication");
                if ("slave".equals(RedisServer.infoField(replication, "role"))
                        && !"up".equals(RedisServer.infoField(replication, "master_link_status"))) {
                    return false;
                }
            }
            return masters().size() == nodes.size() / (1 + replicasPerMaster);
        }, this::describe);
    }

    private boolean healthy() {
        boolean anyRunning = false;
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            anyRunning = true;
            String info = node.command("CLUSTER", "INFO");
            if (!"ok".equals(RedisServer.infoField(info, "cluster_state"))
                    || !String.valueOf(SLOTS).equals(RedisServer.infoField(info, "cluster_slots_assigned"))) {
                return false;
            }
            for (NodeLine line : view(node).values()) {
                if (line.slotCount() > 0) {
                    RedisServer owner = byPortOrNull(line.port);
                    if (!line.isMaster() || line.isFailing() || owner == null || !owner.isRunning()) {
                        return false;
                    }
                }
            }
        }
        return anyRunning;
    }

    private String describe() {
        StringBuilder text = new StringBuilder("cluster not healthy:");
        for (RedisServer node : nodes) {
            text.append("\n== ").append(node.port()).append(node.isRunning() ? " (running)" : " (not running)");
            if (node.isRunning()) {
                try {
                    String info = node.command("CLUSTER", "INFO");
                    text.append(" state=").append(RedisServer.infoField(info, "cluster_state"))
                            .append(" slots_assigned=").append(RedisServer.infoField(info, "cluster_slots_assigned"))
                            .append(" known_nodes=").append(RedisServer.infoField(info, "cluster_known_nodes"))
                            .append('\n').append(node.command("CLUSTER", "NODES").trim());
                } catch (RuntimeException e) {
                    text.append(" ").append(e);
                }
            }
        }
        return text.toString();
    }

    private RedisServer anyRunning() {
        for (RedisServer node : nodes) {
            if (node.isRunning()) {
                return node;
            }
        }
        throw new IllegalStateException("no cluster node is running");
    }

    private RedisServer byPort(int port) {
        RedisServer node = byPortOrNull(port);
        if (node == null) {
            throw new IllegalStateException("port " + port + " is not a node of this cluster");
        }
        return node;
    }

    private RedisServer byPortOrNull(int port) {
        for (RedisServer node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        return null;
    }

    private static Map<Integer, NodeLine> view(RedisServer node) {
        Map<Integer, NodeLine> byPort = new HashMap<>();
        for (String line : node.command("CLUSTER", "NODES").split("\n")) {
            if (!line.isBlank()) {
                NodeLine parsed = NodeLine.parse(line.trim());
                byPort.put(parsed.port, parsed);
            }
        }
        return byPort;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** One line of CLUSTER NODES: {@code <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot>...}. */
    static final class NodeLine {
        final int port;
        final List<String> flags;
        final List<int[]> slotRanges;

        private NodeLine(int port, List<String> flags, List<int[]> slotRanges) {
            this.port = port;
            this.flags = flags;
            this.slotRanges = slotRanges;
        }

        static NodeLine parse(String line) {
            String[] fields = line.split(" ");
            String address = fields[1];
            int colon = address.lastIndexOf(':', address.indexOf('@') < 0 ? address.length() : address.indexOf('@'));
            int end = address.indexOf('@') < 0 ? address.length() : address.indexOf('@');
            int port = Integer.parseInt(address.substring(colon + 1, end));
            List<int[]> ranges = new ArrayList<>();
            for (int i = 8; i < fields.length; i++) {
                String slot = fields[i];
                if (slot.startsWith("[")) {
                    continue; // importing/migrating marker, not ownership
                }
                int dash = slot.indexOf('-');
                if (dash < 0) {
                    int s = Integer.parseInt(slot);
                    ranges.add(new int[] {s, s});
                } else {
                    ranges.add(new int[] {Integer.parseInt(slot.substring(0, dash)),
                            Integer.parseInt(slot.substring(dash + 1))});
                }
            }
            return new NodeLine(port, List.of(fields[2].split(",")), ranges);
        }

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean isFailing() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        boolean owns(int slot) {
            for (int[] range : slotRanges) {
                if (slot >= range[0] && slot <= range[1]) {
                    return true;
                }
            }
            return false;
        }

        int slotCount() {
            int count = 0;
            for (int[] range : slotRanges) {
                count += range[1] - range[0] + 1;
            }
            return count;
        }
    }
}
