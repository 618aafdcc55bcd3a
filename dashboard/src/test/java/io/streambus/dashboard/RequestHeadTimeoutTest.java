package io.streambus.dashboard;

import io.streambus.app.Settings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's HTTP server closes a connection whose request head comes too slowly, as the ingest API does. */
class RequestHeadTimeoutTest extends DashboardTestBase {

  @Test
  void aRequestHeadSentSlowlyIsCutOff() throws Exception {
    DashboardApp app = new DashboardApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", redis.uri(),
        "BUS_KEY_PREFIX", prefix, "BUS_HTTP_PORT", "0", "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "1000")));
    await(app.start());
    try {
      try (Socket socket = new Socket("127.0.0.1", app.httpPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        long started = System.nanoTime();
        byte[] head = "GET /api/topics HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .getBytes(StandardCharsets.US_ASCII);
        long closedAfter = -1;
        // One byte every 100 ms (the head alone would take 7 s): the server must close within its 1 s limit.
        for (byte b : head) {
          try {
            out.write(b);
            out.flush();
          } catch (IOException e) {
            closedAfter = (System.nanoTime() - started) / 1_000_000;
            break;
          }
          if (socket.getInputStream().available() > 0 || peerClosed(socket)) {
            closedAfter = (System.nanoTime() - started) / 1_000_000;
            break;
          }
          Thread.sleep(100); // the client's pace, not a wait for a condition
        }
        assertThat(closedAfter).as("the connection was closed while the head was still coming").isPositive();
        assertThat(closedAfter).isBetween(900L, 3_000L);
      }
      // a request sent at once on a fresh connection is served, and its kept-alive connection is timed again
      try (Socket socket = new Socket("127.0.0.1", app.httpPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        long started = System.nanoTime();
        String reply = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.US_ASCII);
        long closedAfter = (System.nanoTime() - started) / 1_000_000;
        assertThat(reply).startsWith("HTTP/1.1 200");
        assertThat(closedAfter).as("the idle kept-alive connection is closed after the limit").isBetween(900L,
            5_000L);
      }
    } finally {
      await(app.stop());
    }
  }

  private static byte[] readUntilClosed(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static boolean peerClosed(Socket socket) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(1);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      socket.setSoTimeout(timeout);
    }
  }
}
