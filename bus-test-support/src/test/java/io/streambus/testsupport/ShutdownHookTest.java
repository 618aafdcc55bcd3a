package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits without closing its servers must not leave redis-server processes behind. */
class ShutdownHookTest {

    /** Child JVM: starts two servers, prints their pids and dirs, exits without closing them. */
    public static void main(String[] args) {
        RedisServer plain = RedisServer.startDefault();
        RedisServer durable = RedisServer.builder().aof(true).start();
        System.out.println(plain.pid() + " " + plain.dir());
        System.out.println(durable.pid() + " " + durable.dir());
        System.out.flush();
        System.exit(0);
    }

    @Test
    void exitingJvmKillsItsServers() throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-D" + RedisFlavor.PROPERTY + "=system", ShutdownHookTest.class.getName())
                .redirectErrorStream(true)
                .start();
        // Our own pipe, read to the end: the child writes two short lines.
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited; output: %s", output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();

        List<String> lines = output.lines().filter(l -> l.matches("\\d+ /.*")).toList();
        assertThat(lines).as(output).hasSize(2);
        for (String line : lines) {
            long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
            Path dir = Paths.get(line.substring(line.indexOf(' ') + 1));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("redis-server %d outlived its JVM", pid).isFalse();
            assertThat(dir).doesNotExist();
        }
    }
}
