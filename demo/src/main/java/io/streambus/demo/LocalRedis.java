package io.streambus.demo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away redis-server for the demo, on 127.0.0.1 and a free port, without persistence: the {@code redis-server}
 * found on the PATH, else the Redis 6.2 binary bundled in {@code com.github.codemonstur:embedded-redis} (Linux and
 * macOS, x86-64 and arm64). {@link #close()} stops it and deletes its directory.
 */
final class LocalRedis implements AutoCloseable {
  private static final long READY_TIMEOUT_MS = 10_000;

  private final Process process;
  private final Path dir;
  private final int port;
  private final String description;
  private final Thread safetyHook;

  private LocalRedis(Process process, Path dir, int port, String description) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.description = description;
    // Redis runs in a session of its own (see start), so nothing else stops it if this JVM ends unexpectedly.
    this.safetyHook = new Thread(this::close, "streambus-demo-redis-reaper");
    Runtime.getRuntime().addShutdownHook(safetyHook);
  }

  /**
   * Hands stopping Redis over to the caller's own shutdown sequence, which must drain the consumers before calling
   * {@link #close()}: the safety hook would otherwise stop Redis at once, concurrently with that drain.
   */
  void detachSafetyHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(safetyHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  /**
   * @param embeddedOnly skip the PATH and use the bundled binary
   * @throws IllegalStateException when no binary fits this machine or the server does not answer in time
   */
  static LocalRedis start(boolean embeddedOnly) {
    try {
      Path dir = Files.createTempDirectory("streambus-demo-redis");
      Path onPath = embeddedOnly ? null : findOnPath("redis-server");
      Path exe = onPath != null ? onPath : extractEmbedded(dir);
      int port = freePort();
      List<String> command = new ArrayList<>();
      // Ctrl-C signals the whole foreground process group: in a session of its own, Redis outlives the signal
      // long enough for the consumers to drain and acknowledge, and is then stopped by close().
      Path setsid = findOnPath("setsid");
      if (setsid != null) {
        command.add(setsid.toString());
      }
      command.addAll(List.of(exe.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
          "--logfile", dir.resolve("redis.log").toString()));
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
      LocalRedis redis = new LocalRedis(process, dir, port,
          (onPath != null ? exe.toString() : "embedded Redis 6.2") + " on port " + port);
      redis.awaitPong();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  String description() {
    return description;
  }

  private void awaitPong() {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + dir);
      }
      if (pong()) {
        return;
      }
      try {
        Thread.sleep(20); // polling the server, which offers no readiness signal of its own
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException("redis-server did not answer PING within " + READY_TIMEOUT_MS + " ms");
  }

  private boolean pong() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1_000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] reply = new byte[7];
      int n = s.getInputStream().read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(dir);
  }

  private static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static Path extractEmbedded(Path dir) throws IOException {
    String resource = embeddedResource();
    try (InputStream in = LocalRedis.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server on the PATH and no embedded binary " + resource
            + "; install Redis or set BUS_REDIS_URL");
      }
      Path exe = dir.resolve("redis-server");
      Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
      if (!exe.toFile().setExecutable(true, true)) {
        throw new IllegalStateException("cannot make " + exe + " executable");
      }
      return exe;
    }
  }

  static String embeddedResource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean arm = arch.equals("aarch64") || arch.equals("arm64");
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    if (os.contains("linux") && x64) {
      return "redis-server-6.2.6-v5-linux-amd64";
    }
    if (os.contains("linux") && arm) {
      return "redis-server-6.2.7-linux-arm64";
    }
    if (os.contains("mac") && x64) {
      return "redis-server-6.2.6-v5-darwin-amd64";
    }
    if (os.contains("mac") && arm) {
      return "redis-server-6.2.6-v5-darwin-arm64";
    }
    throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch
        + "; install Redis or set BUS_REDIS_URL");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
