package io.streambus.demo;

import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo jar as a user runs it: it comes up, shows figures, and Ctrl-C (SIGINT) stops everything with exit 0. */
class DemoProcessIT {

  @Test
  void startsShowsFiguresAndStopsCleanlyOnCtrlC() throws Exception {
    try (JavaProcess demo = JavaProcess.startJar("demo", Path.of("target", "streambus-demo.jar"),
        Map.of("BUS_HTTP_PORT", String.valueOf(Ports.free()), DemoApp.DASHBOARD_PORT, String.valueOf(Ports.free()),
            DemoApp.FIGURES_MS, "500", DemoApp.RATE, "100"))) {
      Poll.until(Duration.ofSeconds(60), () -> demo.output().contains("published"),
          () -> "the welcome screen and a first block of figures:\n" + demo.tail(3_000));
      assertThat(demo.output()).contains("Streambus demo is running").contains("group billing")
          .containsPattern("Open: +http://localhost:\\d+/");
      Matcher port = Pattern.compile("on port (\\d+)").matcher(demo.output());
      assertThat(port.find()).as("the Redis port is printed").isTrue();
      int redisPort = Integer.parseInt(port.group(1));
      assertThat(accepts(redisPort)).isTrue();

      new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).start().waitFor();
      assertThat(demo.waitFor(Duration.ofSeconds(30))).as(demo.tail(3_000)).isZero();
      assertThat(demo.output()).contains("stopped cleanly");
      assertThat(accepts(redisPort)).as("the demo's Redis is stopped").isFalse();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
