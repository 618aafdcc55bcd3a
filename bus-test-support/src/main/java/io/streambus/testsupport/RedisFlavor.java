package io.streambus.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/** Which server binary a test runs. */
public enum RedisFlavor {

    /** {@code redis-server} found on PATH (Debian's 7.0 here). */
    SYSTEM,

    /** The Linux x86-64 binary bundled in {@code com.github.codemonstur:embedded-redis} (reports 6.2.11). */
    EMBEDDED_6_2,

    /**
     * {@code valkey-server} {@value #VALKEY_VERSION}, with {@code valkey-cli} beside it. The tests only look for it
     * (see {@link #valkeyServer()}); {@code .ci/valkey.sh} builds it. When it is missing, a test that asks for it is
     * skipped (a JUnit assumption; {@link FlavorAvailable} skips whole classes) after a notice, unless
     * {@value #VALKEY_REQUIRED_PROPERTY} or {@value #VALKEY_REQUIRED_ENV} is true: then it fails.
     */
    VALKEY;

    /** System property that selects the flavor: {@code system} (default), {@code embedded} or {@code valkey}. */
    public static final String PROPERTY = "streambus.test.redis";

    /** The Valkey release the build pins ({@code .ci/valkey.sh} builds this one). */
    public static final String VALKEY_VERSION = "9.1.2";
    /** System property naming the {@code valkey-server} binary; overrides {@value #VALKEY_SERVER_ENV}. */
    public static final String VALKEY_SERVER_PROPERTY = "streambus.test.valkey.server";
    /** Environment variable naming the {@code valkey-server} binary. */
    public static final String VALKEY_SERVER_ENV = "STREAMBUS_VALKEY_SERVER";
    /** System property that turns a missing Valkey from a skip into a failure ({@code true}/{@code false}). */
    public static final String VALKEY_REQUIRED_PROPERTY = "streambus.test.valkey.required";
    /** Environment variable that turns a missing Valkey from a skip into a failure ({@code true}/{@code 1}). */
    public static final String VALKEY_REQUIRED_ENV = "STREAMBUS_VALKEY_REQUIRED";

    private static final String EMBEDDED_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";
    private static final AtomicBoolean VALKEY_NOTICE_PRINTED = new AtomicBoolean();

    /** From system property {@value #PROPERTY}: "system" (default), "embedded" or "valkey". */
    public static RedisFlavor fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "system").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "":
            case "system":
                return SYSTEM;
            case "embedded":
            case "embedded_6_2":
                return EMBEDDED_6_2;
            case "valkey":
                return VALKEY;
            default:
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + "=" + value + " is not supported; use 'system', 'embedded' or 'valkey'");
        }
    }

    /**
     * The flavor for a multi-node set-up ({@link RedisCluster}, {@link RedisSentinel}): the system property's, except
     * that 6.2 runs as SYSTEM, because the embedded 6.2 lacks options these set-ups need ({@code --cluster-port}).
     */
    public static RedisFlavor fromSystemPropertyForMultiNode() {
        RedisFlavor flavor = fromSystemProperty();
        return flavor == EMBEDDED_6_2 ? SYSTEM : flavor;
    }

    /**
     * What {@link RedisServer#server()} of this flavor starts with: "Redis 7.", "Redis 6.2" or
     * "Valkey {@value #VALKEY_VERSION}".
     */
    public String expectedServer() {
        switch (this) {
            case SYSTEM:
                return "Redis 7.";
            case EMBEDDED_6_2:
                return "Redis 6.2";
            default:
                return "Valkey " + VALKEY_VERSION;
        }
    }

    /**
     * Path of the server executable. SYSTEM searches PATH; EMBEDDED_6_2 extracts the bundled binary once per
     * JVM into a temp dir that is deleted on exit; VALKEY is {@link #valkeyServer()}.
     *
     * @throws IllegalStateException when the binary is not available on this machine (for VALKEY: only when
     *     Valkey is required)
     * @throws org.opentest4j.TestAbortedException when VALKEY is missing and not required: the test is skipped
     */
    public Path executable() {
        switch (this) {
            case SYSTEM:
                return systemTool("redis-server");
            case EMBEDDED_6_2:
                return embeddedBinary();
            default:
                return requireValkey();
        }
    }

    /**
     * The client that goes with this flavor's server, e.g. for {@code --cluster create}: {@code valkey-cli} beside
     * {@code valkey-server} for VALKEY, else {@code redis-cli} on PATH.
     */
    public Path cli() {
        if (this == VALKEY) {
            Path cli = requireValkey().resolveSibling("valkey-cli");
            if (!Files.isExecutable(cli)) {
                throw new IllegalStateException("valkey-cli not found beside " + requireValkey() + " (run .ci/valkey.sh)");
            }
            return cli;
        }
        return systemTool("redis-cli");
    }

    /**
     * Where {@code valkey-server} is looked for: system property {@value #VALKEY_SERVER_PROPERTY}, else environment
     * variable {@value #VALKEY_SERVER_ENV}, else where {@code .ci/valkey.sh} puts it:
     * {@code <cache>/streambus/valkey-<version>/bin/valkey-server}, the cache being {@code $STREAMBUS_CACHE}, else
     * {@code $XDG_CACHE_HOME/streambus}, else {@code ~/.cache/streambus}. Never built here: a test run must not
     * turn into a two-minute C build.
     */
    public static Path valkeyServer() {
        String named = setting(VALKEY_SERVER_PROPERTY, VALKEY_SERVER_ENV);
        if (named != null) {
            return Paths.get(named);
        }
        String cache = System.getenv("STREAMBUS_CACHE");
        if (cache == null || cache.isBlank()) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg)
                    : Paths.get(System.getProperty("user.home"), ".cache");
            cache = base.resolve("streambus").toString();
        }
        return Paths.get(cache, "valkey-" + VALKEY_VERSION, "bin", "valkey-server");
    }

    /** True when {@link #valkeyServer()} is an executable file. */
    public static boolean valkeyAvailable() {
        return Files.isExecutable(valkeyServer());
    }

    /** True when {@value #VALKEY_REQUIRED_PROPERTY} or {@value #VALKEY_REQUIRED_ENV} says so. */
    public static boolean valkeyRequired() {
        String value = setting(VALKEY_REQUIRED_PROPERTY, VALKEY_REQUIRED_ENV);
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes"));
    }

    private static Path requireValkey() {
        return checkValkey(valkeyServer(), valkeyRequired(), RedisFlavor::announceOnce);
    }

    /** Why the Valkey tests are skipped: the notice for the build's console. */
    static String valkeySkipNotice() {
        return skipNotice(valkeyServer());
    }

    /** Prints {@code text} on the build's console, once per JVM however many tests are skipped. */
    static void announceOnce(String text) {
        if (VALKEY_NOTICE_PRINTED.compareAndSet(false, true)) {
            BuildConsole.println(text);
        }
    }

    private static String skipNotice(Path server) {
        return "SKIPPING the Valkey tests: " + missing(server);
    }

    private static String missing(Path server) {
        return "valkey-server " + VALKEY_VERSION + " not found at " + server + ": run .ci/valkey.sh to build it,"
                + " or name a binary with -D" + VALKEY_SERVER_PROPERTY + " or " + VALKEY_SERVER_ENV;
    }

    /** {@code server} if executable; else fails when {@code required}, or announces and aborts (skips) the test. */
    static Path checkValkey(Path server, boolean required, Consumer<String> announce) {
        if (Files.isExecutable(server)) {
            return server;
        }
        String missing = missing(server);
        if (required) {
            throw new IllegalStateException(missing + " (Valkey is required: " + VALKEY_REQUIRED_ENV + "/-D"
                    + VALKEY_REQUIRED_PROPERTY + ")");
        }
        announce.accept(skipNotice(server));
        return Assumptions.abort("Valkey tests skipped: " + missing);
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Path embedded;

    private static synchronized Path embeddedBinary() {
        if (embedded == null) {
            embedded = extractEmbedded();
        }
        return embedded;
    }

    /** Looks up a sibling tool of the system redis-server (e.g. redis-cli) on PATH. */
    static Path systemTool(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Paths.get(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
            Path candidate = Paths.get(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " not found on PATH; install it (apt-get install -y redis-server redis-tools)"
                + " or run with -D" + PROPERTY + "=embedded");
    }

    private static Path extractEmbedded() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("EMBEDDED_6_2 is only wired for Linux x86-64, not " + os + "/" + arch);
        }
        try (InputStream in = RedisFlavor.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + EMBEDDED_RESOURCE
                        + " not on the classpath (is com.github.codemonstur:embedded-redis a dependency?)");
            }
            Path dir = Files.createTempDirectory("streambus-redis-bin");
            Path exe = dir.resolve("redis-server-6.2");
            // deleteOnExit runs in reverse order of registration: the file first, then its dir.
            dir.toFile().deleteOnExit();
            exe.toFile().deleteOnExit();
            Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
            if (!exe.toFile().setExecutable(true, true)) {
                throw new IllegalStateException("cannot chmod +x " + exe);
            }
            return exe;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the embedded redis-server", e);
        }
    }
}
