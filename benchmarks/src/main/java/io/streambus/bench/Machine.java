package io.streambus.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** A description of where the figures came from. */
final class Machine {
  private Machine() {
  }

  static String describe(String redisServer, String loadAtStart) {
    Runtime rt = Runtime.getRuntime();
    Properties versions = versions();
    return String.join("\n",
        "machine:  " + rt.availableProcessors() + " cores (" + cpuModel() + "), " + System.getProperty("os.name") + " "
            + System.getProperty("os.version") + " " + System.getProperty("os.arch") + "; load average at the start "
            + loadAtStart + ", now " + loadAverage(),
        "          (a machine others may share: each run's load is listed below)",
        "software: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
            + ", Vert.x " + versions.getProperty("vertx.version") + ", Micrometer "
            + versions.getProperty("micrometer.version") + ", " + redisServer + " (loopback, no persistence)");
  }

  /** The 1, 5 and 15 minute load averages of /proc/loadavg, or "n/a". */
  static String loadAverage() {
    String s = read("/proc/loadavg");
    if (s == null) {
      return "n/a";
    }
    String[] parts = s.trim().split("\\s+");
    return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "n/a";
  }

  private static String cpuModel() {
    String s = read("/proc/cpuinfo");
    if (s != null) {
      for (String line : s.split("\n")) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    }
    return "cpu unknown";
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Properties versions() {
    Properties p = new Properties();
    try (InputStream in = Machine.class.getResourceAsStream("/streambus-bench.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions are informative only
    }
    return p;
  }
}
