package io.streambus.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server (or valkey-server, see {@link RedisFlavor}) process on 127.0.0.1, for tests.
 *
 * <p>Contract: {@link Builder#start()} returns only once the server answers PING (10 s deadline, else
 * an exception carrying the tail of its log). The server can be stopped, killed and started again on
 * the same port and dir. Every server is tracked in a JVM-wide registry whose single shutdown hook
 * kills whatever is still running, so a dying test JVM does not orphan servers; {@link #close()} kills
 * the process, unregisters it and deletes the dir if this class created it. Not meant for port 6379
 * or for anything but loopback.
 */
public final class RedisServer implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final long BIND_RETRY_MS = 5_000;
    private static final int LOG_TAIL_BYTES = 4_096;

    private static final Set<RedisServer> REGISTRY = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RedisServer::reapAll, "streambus-redis-reaper"));
    }

    private final RedisFlavor flavor;
    private final Path dir;
    private final boolean ownsDir;
    private final String name;
    private final boolean aof;
    private final boolean cluster;
    /** "name port quorum" of the master a sentinel monitors; null for a data node. */
    private final String sentinelOf;
    private final String password;
    /** The ACL user the harness logs in as; null: the {@code default} user (AUTH with the password alone). */
    private final String user;
    /** Null: plain TCP; else TLS only ({@code --port 0}), and the harness speaks TLS too. */
    private final TestCertificates tls;
    private final Set<String> barred;
    private final ServerAccess access;
    private final List<String> extraArgs;
    private final String host;
    private volatile int port;
    // Volatile and read without the lock by the shutdown hook: a test thread holding the lock while
    // calling System.exit must not deadlock the hook.
    private volatile Process process;
    private boolean closed;

    private RedisServer(Builder b, Path dir, boolean ownsDir, int port) {
        this.flavor = b.flavor;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.name = b.name;
        this.aof = b.aof;
        this.cluster = b.cluster;
        this.sentinelOf = b.sentinelOf;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.host = b.host;
        this.password = b.password != null ? b.password : passwordIn(extraArgs);
        this.user = b.user;
        this.tls = b.tls;
        this.barred = Set.copyOf(b.barred);
        this.access = new ServerAccess(user, password, tls == null ? null : tls.trustingSocketFactory());
        this.port = port;
    }

    /** A builder with defaults: flavor from the system property, no persistence, fresh temp dir, free port. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Plain server (no persistence), flavor from the system property. (Not named {@code start()}: Java
     * forbids a static and an instance method with one signature, and the instance {@link #start()}
     * restarts a stopped server.)
     */
    public static RedisServer startDefault() {
        return builder().start();
    }

    /** Configures and starts a {@link RedisServer}. */
    public static final class Builder {
        private RedisFlavor flavor;
        private boolean aof;
        private Path dir;
        private int port;
        private final List<String> extraArgs = new ArrayList<>();
        private String name = "redis";
        private String host = HOST;
        private String password;
        private String user;
        private TestCertificates tls;
        private final Set<String> barred = new java.util.LinkedHashSet<>();
        private boolean cluster;
        private String sentinelOf;

        private Builder() {
        }

        /** Which binary to run; default {@link RedisFlavor#fromSystemProperty()}. */
        public Builder flavor(RedisFlavor f) {
            this.flavor = f;
            return this;
        }

        /** {@code --appendonly yes --appendfsync always}: every acknowledged write survives SIGKILL. */
        public Builder aof(boolean on) {
            this.aof = on;
            return this;
        }

        /** Data dir (created if missing, never deleted by this class); default: a fresh temp dir deleted on close. */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Fixed port; default: a free loopback port. */
        public Builder port(int port) {
            if (port <= 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** Extra argv appended last, so they override the defaults, e.g. {@code "--maxmemory", "10mb"}. */
        public Builder args(String... extra) {
            this.extraArgs.addAll(Arrays.asList(extra));
            return this;
        }

        /** Used in the log file name ({@code <dir>/<name>.log}) and in messages; default "redis". */
        public Builder name(String name) {
            if (name == null || name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("name must be a plain file name: " + name);
            }
            this.name = name;
            return this;
        }

        /**
         * Binds another loopback address than 127.0.0.1 (any of 127.0.0.0/8), for tests that need two servers
         * on one port at two addresses (a DNS name that moves from one to the other). Give a fixed {@link #port}.
         */
        public Builder host(String loopbackAddress) {
            if (!loopbackAddress.startsWith("127.")) {
                throw new IllegalArgumentException("a loopback address (127.x.y.z), not " + loopbackAddress);
            }
            this.host = loopbackAddress;
            return this;
        }

        /** Sets {@code --requirepass}; {@link RedisServer#command} then sends AUTH first. */
        public Builder password(String p) {
            this.password = p;
            return this;
        }

        /**
         * The harness logs in as this ACL user ({@code AUTH user password}) instead of the {@code default} user; the
         * user itself comes from the args ({@code --user <name> on >password ...}), this only tells the harness.
         */
        public Builder user(String user, String password) {
            if (user == null || user.isBlank() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("user and password must not be empty");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * TLS only, as managed services run: no plain port ({@code --port 0}), the port is the TLS port with the server
         * certificate of {@code certificates}, no client certificate asked for; replication and the cluster bus use
         * TLS too. The harness's own commands then go over TLS, trusting the certificates' CA.
         */
        public Builder tlsOnly(TestCertificates certificates) {
            this.tls = certificates;
            return this;
        }

        /**
         * Renames each command away ({@code rename-command X ""}): the server then answers it with {@code ERR unknown
         * command}, as ElastiCache does for the commands it restricts. With SHUTDOWN barred, {@link RedisServer#stop()}
         * stops the server with SIGTERM. Subcommands cannot be renamed (use an ACL user for those).
         */
        public Builder barred(String... commands) {
            for (String command : commands) {
                if (command.isBlank() || command.contains(" ") || command.contains("|")) {
                    throw new IllegalArgumentException("a command name, not " + command);
                }
                barred.add(command.toUpperCase(Locale.ROOT));
            }
            return this;
        }

        // Adds --cluster-enabled etc. and picks a port whose bus port (port + 10000) is usable.
        Builder cluster(boolean on) {
            this.cluster = on;
            return this;
        }

        // Runs in Sentinel mode, monitoring the master on masterPort under masterName (see RedisSentinel).
        Builder sentinel(String masterName, int masterPort, int quorum) {
            this.sentinelOf = masterName + " " + masterPort + " " + quorum;
            return this;
        }

        /** Starts the process and waits (10 s deadline) until it answers PING. */
        public RedisServer start() {
            if (flavor == null) {
                flavor = RedisFlavor.fromSystemProperty();
            }
            boolean autoPort = port == 0;
            int chosenPort = autoPort ? (cluster ? Ports.freeForCluster() : Ports.free()) : port;
            Path chosenDir;
            boolean owns;
            try {
                if (dir == null) {
                    chosenDir = Files.createTempDirectory("streambus-" + name + "-");
                    owns = true;
                } else {
                    chosenDir = Files.createDirectories(dir).toAbsolutePath();
                    owns = false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data dir", e);
            }
            RedisServer server = new RedisServer(this, chosenDir, owns, chosenPort);
            REGISTRY.add(server);
            try {
                synchronized (server) {
                    server.launch(autoPort);
                }
                return server;
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, {@code rediss://} when TLS only (no credentials, even with a password). */
    public String uri() {
        return (tls != null ? "rediss://" : "redis://") + host + ":" + port;
    }

    /** True when the server speaks TLS only ({@link Builder#tlsOnly}). */
    public boolean isTlsOnly() {
        return tls != null;
    }

    /** The commands renamed away ({@link Builder#barred}), upper case. */
    public Set<String> barredCommands() {
        return barred;
    }

    public Path dir() {
        return dir;
    }

    /** The file redis-server logs to ({@code --logfile}). */
    public Path logFile() {
        return dir.resolve(name + ".log");
    }

    public RedisFlavor flavor() {
        return flavor;
    }

    /** The password set with {@link Builder#password} or {@code --requirepass} in the args, else null. */
    public String password() {
        return password;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Graceful stop: {@code SHUTDOWN} ({@code SHUTDOWN NOSAVE} when nothing is persisted), or SIGTERM when SHUTDOWN is
     * {@link Builder#barred}; then waits for the process to exit. No-op when not running.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        if (barred.contains("SHUTDOWN")) {
            p.destroy(); // SIGTERM: the server saves (if it persists) and exits as on SHUTDOWN
        } else {
            shutdown(p);
        }
        // Redis 7 masters may wait up to shutdown-timeout (10 s) for lagging replicas.
        if (!waitForExit(p, 15_000)) {
            p.destroyForcibly();
            waitForExit(p, 10_000);
        }
    }

    private void shutdown(Process p) {
        try {
            if (persistent()) {
                Resp.callAs(host, port, access, "SHUTDOWN");
            } else {
                Resp.callAs(host, port, access, "SHUTDOWN", "NOSAVE");
            }
        } catch (UncheckedIOException expected) {
            // Success: the server closes the connection without a reply.
        } catch (RedisReplyException refused) {
            p.destroy();
        }
    }

    /** SIGKILL ({@link Process#destroyForcibly()}), then waits for the process to exit. No-op when not running. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        if (!waitForExit(p, 10_000)) {
            throw new IllegalStateException(this + " did not exit within 10 s of SIGKILL");
        }
    }

    /**
     * Starts a stopped or killed server again on the same port, dir and args, and waits until it answers
     * PING. Retries for a few seconds while the port is still bound.
     *
     * @throws IllegalStateException when it is running or closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (isRunning()) {
            throw new IllegalStateException(this + " is already running");
        }
        launch(false);
    }

    /**
     * Sends one command (AUTH first when a password is known) over a fresh connection and renders the
     * reply as text: bulk/simple string as is, integer as digits, nil as null, array as its items
     * rendered recursively and joined with newlines (a nil item as "null"). Each call is its own
     * connection, so connection state does not carry over: WAIT after a write made by an earlier call
     * returns at once, and READONLY, SELECT, MULTI or CLIENT settings are lost.
     *
     * @throws RedisReplyException on an error reply
     * @throws UncheckedIOException when the server cannot be reached
     */
    public String command(String... args) {
        return Resp.render(commandRaw(args));
    }

    /**
     * Like {@link #command} but structured: String, Long, null or {@code List<Object>} of those. An error
     * nested inside an array (e.g. in an EXEC reply) appears as a {@link RedisReplyException} item.
     */
    public Object commandRaw(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        return Resp.callAs(host, port, access, args);
    }

    /**
     * {@code redis_version} from INFO server, e.g. "7.0.15": the Redis version the server claims compatibility with,
     * which is what clients see. Valkey 9.1 says "7.2.4" here; {@link #server()} tells them apart.
     */
    public String version() {
        return infoField(command("INFO", "server"), "redis_version");
    }

    /**
     * The server's name and its own version, from INFO server: "Redis 7.0.15", "Valkey 9.1.2" (Valkey adds
     * {@code server_name} and {@code valkey_version}; Redis has neither).
     */
    public String server() {
        String info = command("INFO", "server");
        String name = infoField(info, "server_name");
        if (name == null || name.equalsIgnoreCase("redis")) {
            return "Redis " + infoField(info, "redis_version");
        }
        String own = infoField(info, name.toLowerCase(Locale.ROOT) + "_version");
        return Character.toUpperCase(name.charAt(0)) + name.substring(1) + " "
                + (own != null ? own : infoField(info, "redis_version"));
    }

    /** Kills the process if running, unregisters it, and deletes the dir if this class created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                waitForExit(p, 10_000);
            }
        } finally {
            REGISTRY.remove(this);
            if (ownsDir) {
                deleteRecursively(dir);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + name + " " + flavor + " " + host + ":" + port + "]";
    }

    long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(this + " was never started");
        }
        return p.pid();
    }

    /** What {@code redis-cli} / {@code valkey-cli} needs to reach this server as the harness does: TLS, user. */
    List<String> cliArgs() {
        List<String> args = new ArrayList<>();
        if (tls != null) {
            args.addAll(List.of("--tls", "--cacert", tls.file("ca.crt")));
        }
        if (user != null) {
            args.addAll(List.of("--user", user));
        }
        if (password != null) {
            args.addAll(List.of("--pass", password, "--no-auth-warning"));
        }
        return args;
    }

    static String infoField(String info, String field) {
        String prefix = field + ":";
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    private boolean persistent() {
        if (aof) {
            return true;
        }
        for (int i = 0; i + 1 < extraArgs.size(); i++) {
            String arg = extraArgs.get(i);
            if ((arg.equals("--save") && !extraArgs.get(i + 1).isEmpty())
                    || (arg.equals("--appendonly") && extraArgs.get(i + 1).equalsIgnoreCase("yes"))) {
                return true;
            }
        }
        return false;
    }

    private static String passwordIn(List<String> args) {
        String found = null;
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--requirepass")) {
                found = args.get(i + 1);
            }
        }
        return found;
    }

    private List<String> commandLine() {
        List<String> cmd = new ArrayList<>();
        cmd.add(flavor.executable().toString());
        if (sentinelOf != null) {
            // Sentinel needs its state in a config file it can rewrite; written once, kept across restarts.
            cmd.addAll(List.of(sentinelConfig().toString(), "--sentinel"));
        }
        if (tls != null) {
            cmd.addAll(List.of("--port", "0"));
            cmd.addAll(List.of(tls.tlsOnlyServerArgs(port)));
        } else {
            cmd.addAll(List.of("--port", Integer.toString(port)));
        }
        cmd.addAll(List.of("--bind", host, "--dir", dir.toString(),
                "--daemonize", "no", "--save", "", "--appendonly", aof ? "yes" : "no"));
        if (aof) {
            cmd.addAll(List.of("--appendfsync", "always"));
        }
        cmd.addAll(List.of("--logfile", logFile().toString()));
        for (String command : barred) {
            cmd.addAll(List.of("--rename-command", command, ""));
        }
        if (password != null && user == null && !extraArgs.contains("--requirepass")) {
            cmd.addAll(List.of("--requirepass", password));
        }
        if (cluster) {
            cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "2000",
                    // The bus port Ports.freeForCluster checked; by default it would follow the TLS port, if any.
                    "--cluster-port", Integer.toString(port + 10_000),
                    // Default 5 s wait for more replicas before a diskless full sync: pure delay here.
                    "--repl-diskless-sync-delay", "0"));
        }
        cmd.addAll(extraArgs);
        return cmd;
    }

    private Path sentinelConfig() {
        Path conf = dir.resolve(name + ".conf");
        if (!Files.exists(conf)) {
            String[] monitor = sentinelOf.split(" ");
            String master = monitor[0];
            String text = "sentinel monitor " + master + " " + HOST + " " + monitor[1] + " " + monitor[2] + "\n"
                    + "sentinel down-after-milliseconds " + master + " 1000\n"
                    + "sentinel failover-timeout " + master + " 5000\n";
            try {
                Files.writeString(conf, text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + conf, e);
            }
        }
        return conf;
    }

    // Caller holds the lock. A bind conflict on an auto-chosen port moves to another port; on a fixed
    // port (restart) it retries for a few seconds.
    private void launch(boolean mayChangePort) {
        long bindDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BIND_RETRY_MS);
        int portChanges = 0;
        while (true) {
            String bindFailure = launchOnce();
            if (bindFailure == null) {
                return;
            }
            if (mayChangePort && portChanges++ < 5) {
                port = cluster ? Ports.freeForCluster() : Ports.free();
                continue;
            }
            if (System.nanoTime() > bindDeadline) {
                throw new IllegalStateException(this + " could not bind its port within " + BIND_RETRY_MS
                        + " ms:\n" + bindFailure);
            }
            Poll.sleep(100);
        }
    }

    /** Returns null when up, or the log tail when the process exited because its port was taken. */
    private String launchOnce() {
        Path log = logFile();
        long logOffset = sizeOf(log);
        Path stdout = dir.resolve(name + ".stdout");
        long stdoutOffset = sizeOf(stdout);
        ProcessBuilder builder = new ProcessBuilder(commandLine())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(stdout.toFile()))
                .redirectInput(Redirect.from(new java.io.File("/dev/null")));
        Process p = spawn(builder);
        process = p;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                String tail = tail(log, logOffset) + tail(stdout, stdoutOffset);
                if (tail.contains("Address already in use")) {
                    return tail;
                }
                throw new IllegalStateException(this + " exited with code " + p.exitValue()
                        + " during startup. Log tail:\n" + tail);
            }
            if (answersPing()) {
                if (isOurs(p)) {
                    return null;
                }
                // Someone else answered on our port; our process is about to fail its bind.
                waitForExit(p, 5_000);
                p.destroyForcibly();
                waitForExit(p, 5_000);
                return "another process answers on port " + port;
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                waitForExit(p, 5_000);
                throw new IllegalStateException(this + " did not answer PING within " + READY_TIMEOUT
                        + ". Log tail:\n" + tail(log, logOffset) + tail(stdout, stdoutOffset));
            }
            Poll.sleep(10);
        }
    }

    private static Process spawn(ProcessBuilder builder) {
        // A freshly extracted binary can still be open for writing in a child forked concurrently.
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                if (attempt < 20 && message.contains("error=26")) {
                    Poll.sleep(50);
                    continue;
                }
                throw new UncheckedIOException("cannot start " + builder.command().get(0), e);
            }
        }
    }

    private boolean answersPing() {
        try (Socket socket = Resp.connect(host, port, access, 250, 1_000)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            boolean auth = access.writeAuth(out);
            Resp.write(out, "PING");
            out.flush();
            if (auth) {
                try {
                    Resp.read(in);
                } catch (RedisReplyException e) {
                    return false;
                }
            }
            try {
                return "PONG".equals(Resp.read(in));
            } catch (RedisReplyException e) {
                // NOAUTH: the password was set some other way, but the server is up. LOADING: not yet.
                return e.code().equals("NOAUTH");
            }
        } catch (IOException e) {
            return false;
        }
    }

    private boolean isOurs(Process p) {
        try {
            String pid = infoField(command("INFO", "server"), "process_id");
            return pid == null || Long.parseLong(pid) == p.pid();
        } catch (RedisReplyException e) {
            return p.isAlive();
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static boolean waitForExit(Process p, long millis) {
        try {
            return p.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static String tail(Path file, long from) {
        if (!Files.exists(file)) {
            return "";
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
            long start = Math.max(from, channel.size() - LOG_TAIL_BYTES);
            channel.position(start);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading
            }
            return "--- " + file.getFileName() + " ---\n" + new String(buffer.array(), 0, buffer.position(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file must not fail a test.
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // Same: best effort.
        }
    }

    private static void reapAll() {
        List<Process> killed = new ArrayList<>();
        for (RedisServer server : REGISTRY) {
            Process p = server.process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                killed.add(p);
            }
        }
        for (Process p : killed) {
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (RedisServer server : REGISTRY) {
            if (server.ownsDir) {
                deleteRecursively(server.dir);
            }
        }
    }
}
