package io.streambus.testsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A line for the build's console. Surefire sends a test's {@code System.out} and {@code System.err} to report files
 * ({@code redirectTestOutputToFile}); the test JVM's own stderr still reaches the console, which is where a reader of
 * the build has to see which server was tested, or that one was skipped.
 */
public final class BuildConsole {

    private BuildConsole() {
    }

    /** Writes {@code "[streambus] " + text} to the JVM's stderr, and {@code text} to {@code System.err} as well. */
    public static void println(String text) {
        System.err.println(text);
        // Not closed: that would close the process's stderr.
        FileOutputStream console = new FileOutputStream(FileDescriptor.err);
        try {
            console.write(("[streambus] " + text + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
            console.flush();
        } catch (IOException ignored) {
            // The report file has the line.
        }
    }
}
