package io.streambus.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running an executable jar, for process-level tests (fat-jars, signals, exit codes).
 *
 * <p>Contract: the child runs {@code <java.home>/bin/java <jvmArgs> -jar <jar> <args>} with the given environment
 * added to this JVM's, stdout and stderr both appended to {@link #logFile()} (a file, not a pipe, so a chatty child
 * never blocks). {@link #terminate()} sends SIGTERM, {@link #kill()} SIGKILL. Every child is tracked JVM-wide and
 * SIGKILLed by a shutdown hook if still running when the test JVM exits, so a dying test run orphans nothing.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Set<JavaProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly()),
                "streambus-java-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private JavaProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code jar} with {@code -Xmx256m -XX:+UseSerialGC} (small, for shared test machines).
     *
     * @param name a label for messages and the log file name
     * @throws IllegalStateException when the jar does not exist (build it first: {@code mvn package})
     */
    public static JavaProcess startJar(String name, Path jar, Map<String, String> env, String... args) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " does not exist: run the package phase first");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("streambus-" + name + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            JavaProcess p = new JavaProcess(name, builder.start(), log);
            RUNNING.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL and waits for the process to be gone. */
    /** SIGSTOP: the process freezes (a long GC pause, a suspended VM) until {@link #resume()}. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /**
     * Waits for the exit.
     *
     * @return the exit code
     * @throws AssertionError with the log's tail when the process is still running at the deadline
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "; log tail:\n" + tail(4_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        RUNNING.remove(this);
        return process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code chars} characters of the output. */
    public String tail(int chars) {
        String out = output();
        return out.length() <= chars ? out : out.substring(out.length() - chars);
    }

    /** SIGKILLs the process if it still runs. The log file is kept for post-mortems. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RUNNING.remove(this);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
