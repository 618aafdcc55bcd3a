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

/** Which redis-server binary a test runs. */
public enum RedisFlavor {

    /** {@code redis-server} found on PATH (Debian's 7.0 here). */
    SYSTEM,

    /** The Linux x86-64 binary bundled in {@code com.github.codemonstur:embedded-redis} (reports 6.2.11). */
    EMBEDDED_6_2;

    /** System property that selects the flavor: {@code system} (default) or {@code embedded}. */
    public static final String PROPERTY = "streambus.test.redis";

    private static final String EMBEDDED_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";

    /** From system property {@value #PROPERTY}: "system" (default) or "embedded". */
    public static RedisFlavor fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "system").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "":
            case "system":
                return SYSTEM;
            case "embedded":
            case "embedded_6_2":
                return EMBEDDED_6_2;
            default:
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + "=" + value + " is not supported; use 'system' or 'embedded'");
        }
    }

    /**
     * Path of the executable. SYSTEM searches PATH; EMBEDDED_6_2 extracts the bundled binary once per
     * JVM into a temp dir that is deleted on exit.
     *
     * @throws IllegalStateException when the binary is not available on this machine
     */
    public Path executable() {
        return this == SYSTEM ? systemTool("redis-server") : embeddedBinary();
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
