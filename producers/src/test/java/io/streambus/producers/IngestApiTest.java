package io.streambus.producers;

import io.streambus.testsupport.FaultProxy;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.streambus.app.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest API in-process against a real redis-server, reached through a proxy that can cut it off. */
class IngestApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static RedisServer redis;
  private static FaultProxy proxy;
  private static Vertx vertx;
  private static ProducersApp app;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.startDefault();
    proxy = FaultProxy.start(redis.host(), redis.port());
    vertx = Vertx.vertx();
    app = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", proxy.uri(), "BUS_KEY_PREFIX", "test",
        "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0", "BUS_MAX_BODY_BYTES", "1024",
        "BUS_PUBLISH_TIMEOUT_MS", "800", "BUS_RETRY_AFTER_SECONDS", "3", "BUS_TOPIC_PARTITIONS", "multi=3")));
    await(app.start());
    base = "http://127.0.0.1:" + app.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      await(app.stop());
    }
    vertx.close();
    proxy.close();
    redis.close();
  }

  @Test
  void acceptedJsonMessageIsInTheStreamWithKeyAndHeaders() throws Exception {
    HttpResponse<String> r = post("/topics/orders/messages", "{\"amount\": 12}",
        "Content-Type", "application/json", "X-Bus-Key", "cust-7", "X-Bus-Header-Trace", "t-1");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonObject body = new JsonObject(r.body());
    String id = body.getString("id");
    assertThat(id).matches("\\d+-\\d+");
    assertThat(body.getString("topic")).isEqualTo("orders");
    String entry = redis.command("XRANGE", "test:{orders:0}", id, id);
    assertThat(entry).contains("payload\n{\"amount\": 12}").contains("content-type\napplication/json")
        .contains("key\ncust-7").contains("h:trace\nt-1");
  }

  @Test
  void rawBodyKeepsItsContentType() throws Exception {
    HttpResponse<String> r = post("/topics/logs/messages", "plain words", "Content-Type", "text/plain");
    assertThat(r.statusCode()).isEqualTo(202);
    String id = new JsonObject(r.body()).getString("id");
    assertThat(redis.command("XRANGE", "test:{logs:0}", id, id)).contains("payload\nplain words")
        .contains("content-type\ntext/plain");
  }

  @Test
  void batchIsStoredInOrderAcrossPartitions() throws Exception {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 5; i++) {
      batch.add(new JsonObject().put("payload", new JsonObject().put("i", i)).put("key", "k" + i)
          .put("headers", new JsonObject().put("n", String.valueOf(i))));
    }
    HttpResponse<String> r = post("/topics/multi/messages/batch", batch.encode(), "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonArray ids = new JsonObject(r.body()).getJsonArray("ids");
    assertThat(ids).hasSize(5);
    for (int i = 0; i < 5; i++) {
      JsonObject id = ids.getJsonObject(i);
      String entry = redis.command("XRANGE", "test:{multi:" + id.getInteger("partition") + "}",
          id.getString("id"), id.getString("id"));
      assertThat(entry).contains("{\"i\":" + i + "}").contains("key\nk" + i).contains("h:n\n" + i);
    }
  }

  @Test
  void anIdempotencyKeyStoresTheMessageOnceAndTheRetryIsToldItWasReplayed() throws Exception {
    HttpResponse<String> first = post("/topics/idem/messages", "{\"n\": 1}", "Content-Type", "application/json",
        "Idempotency-Key", "req-1");
    HttpResponse<String> retry = post("/topics/idem/messages", "{\"n\": 1}", "Content-Type", "application/json",
        "Idempotency-Key", "req-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
    assertThat(new JsonObject(retry.body())).isEqualTo(new JsonObject(first.body()));
    assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
    assertThat(retry.headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(redis.command("XLEN", "test:{idem:0}")).isEqualTo("1");
  }

  @Test
  void batchElementsCarryAKeyEachOrOneDerivedFromTheHeader() throws Exception {
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("payload", 1).put("idempotencyKey", "own-key"))
        .add(new JsonObject().put("payload", 2));
    HttpResponse<String> first = post("/topics/idem-batch/messages/batch", batch.encode(),
        "Content-Type", "application/json", "Idempotency-Key", "batch-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(first.headers().firstValue("Idempotency-Replayed-Count")).isEmpty();
    // one element more: the two sent before are replayed, the new one is stored
    batch.add(new JsonObject().put("payload", 3));
    HttpResponse<String> retry = post("/topics/idem-batch/messages/batch", batch.encode(),
        "Content-Type", "application/json", "Idempotency-Key", "batch-1");
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
    JsonArray firstIds = new JsonObject(first.body()).getJsonArray("ids");
    JsonArray retryIds = new JsonObject(retry.body()).getJsonArray("ids");
    assertThat(retryIds.getList().subList(0, 2)).isEqualTo(firstIds.getList());
    assertThat(retry.headers().firstValue("Idempotency-Replayed-Count")).contains("2");
    assertThat(retry.headers().firstValue("Idempotency-Replayed")).as("not every element").isEmpty();
    assertThat(redis.command("XLEN", "test:{idem-batch:0}")).isEqualTo("3");
    // the element's own key: the same message under another header is still replayed
    HttpResponse<String> own = post("/topics/idem-batch/messages/batch",
        new JsonArray().add(new JsonObject().put("payload", 1).put("idempotencyKey", "own-key")).encode(),
        "Content-Type", "application/json", "Idempotency-Key", "batch-2");
    assertThat(own.headers().firstValue("Idempotency-Replayed")).contains("true");
    assertThat(redis.command("XLEN", "test:{idem-batch:0}")).isEqualTo("3");
  }

  @Test
  void aBadIdempotencyKeyGets400() throws Exception {
    assertError(post("/topics/idem-bad/messages", "{}", "Content-Type", "application/json", "Idempotency-Key",
        "k".repeat(201)), 400, "bad_idempotency_key");
    assertError(post("/topics/idem-bad/messages", "{}", "Content-Type", "application/json", "Idempotency-Key", ""),
        400, "bad_idempotency_key");
    assertError(post("/topics/idem-bad/messages/batch",
        new JsonArray().add(new JsonObject().put("payload", 1).put("idempotencyKey", "")).encode(),
        "Content-Type", "application/json"), 400, "bad_idempotency_key");
    // the derived key is too long: the message says where it came from
    HttpResponse<String> derived = post("/topics/idem-bad/messages/batch",
        new JsonArray().add(new JsonObject().put("payload", 1)).encode(), "Content-Type", "application/json",
        "Idempotency-Key", "k".repeat(199));
    assertError(derived, 400, "bad_idempotency_key");
    assertThat(new JsonObject(derived.body()).getString("message")).contains("Idempotency-Key header")
        .contains("element 0");
    assertThat(redis.command("XLEN", "test:{idem-bad:0}")).isEqualTo("0");
  }

  @Test
  void badInputGetsAClear4xx() throws Exception {
    assertError(post("/topics/orders/messages", "{\"broken\":", "Content-Type", "application/json"),
        400, "malformed_json");
    assertError(post("/topics/bad%7Bname%7D/messages", "{}", "Content-Type", "application/json"),
        400, "invalid_topic");
    assertError(post("/topics/orders/messages/batch", "{\"not\": \"array\"}", "Content-Type", "application/json"),
        400, "not_an_array");
    assertError(post("/topics/orders/messages/batch", "[1]", "Content-Type", "application/json"),
        400, "bad_batch_element");
    assertError(post("/topics/orders/messages", "x".repeat(2048), "Content-Type", "text/plain"),
        413, "payload_too_large");
    assertError(post("/nowhere", "{}", "Content-Type", "application/json"), 404, "not_found");
    assertThat(redis.command("XLEN", "test:{bad{name}:0}")).isEqualTo("0");
  }

  @Test
  void batchElementsThatNoConsumerCouldForwardAreRefusedNamingTheElementAndField() throws Exception {
    String ok = "{\"payload\": 1}";
    HttpResponse<String> key = post("/topics/crlf/messages/batch", "[" + ok + ", {\"payload\": 2, \"key\": \"a\\nb\"}]",
        "Content-Type", "application/json");
    assertError(key, 400, "bad_batch_element");
    assertThat(new JsonObject(key.body()).getString("message"))
        .isEqualTo("element 1's key holds a line feed (LF) at index 1, which an HTTP header cannot carry");
    HttpResponse<String> header = post("/topics/crlf/messages/batch",
        "[{\"payload\": 1, \"headers\": {\"trace\": \"x\\r\\nSet-Cookie: y\"}}]", "Content-Type", "application/json");
    assertError(header, 400, "bad_batch_element");
    assertThat(new JsonObject(header.body()).getString("message"))
        .isEqualTo("element 0's header 'trace' holds a carriage return (CR) at index 1, which an HTTP header cannot carry");
    HttpResponse<String> name = post("/topics/crlf/messages/batch",
        "[{\"payload\": 1, \"headers\": {\"a b\": \"x\"}}]", "Content-Type", "application/json");
    assertError(name, 400, "bad_batch_element");
    assertThat(new JsonObject(name.body()).getString("message")).startsWith("element 0's header 'a b': a header name");
    assertThat(redis.command("XLEN", "test:{crlf:0}")).as("nothing of a refused batch is stored").isEqualTo("0");
  }

  @Test
  void badlyTypedBatchFieldsAreNamedWithoutJavaText() throws Exception {
    Map<String, String> cases = Map.of(
        "[{\"payload\": 1, \"headers\": \"x\"}]", "element 0's headers must be an object of name: value, was a string",
        "[{\"payload\": 1, \"headers\": {\"h\": {\"deep\": 1}}}]",
        "element 0's header 'h' must be a string, number or boolean, was an object",
        "[{\"payload\": 1, \"key\": [1]}]", "element 0's key must be a string, number or boolean, was an array",
        "[{\"payload\": 1, \"idempotencyKey\": 7}]", "element 0's idempotencyKey must be a string, was a number");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = post("/topics/typed/messages/batch", c.getKey(), "Content-Type", "application/json");
      assertError(r, 400, "bad_batch_element");
      assertThat(new JsonObject(r.body()).getString("message")).as(c.getKey()).isEqualTo(c.getValue());
    }
    HttpResponse<String> numbers = post("/topics/typed/messages/batch",
        "[{\"payload\": 1, \"key\": 42, \"headers\": {\"n\": 7, \"b\": true}}]", "Content-Type", "application/json");
    assertThat(numbers.statusCode()).as(numbers.body()).isEqualTo(202);
    String id = new JsonObject(numbers.body()).getJsonArray("ids").getJsonObject(0).getString("id");
    assertThat(redis.command("XRANGE", "test:{typed:0}", id, id)).contains("key\n42").contains("h:n\n7")
        .contains("h:b\ntrue");
  }

  @Test
  void aTopicOfRawUtf8BytesIsEchoedAsSent() throws Exception {
    String reply = rawRequest(app.httpPort(), ("POST /topics/b\u00e4d/messages HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(reply).contains("was 'b\u00e4d'");
  }

  @Test
  void aRequestHeadSentSlowlyIsCutOff() throws Exception {
    ProducersApp strict = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", proxy.uri(),
        "BUS_KEY_PREFIX", "test", "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0",
        "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "1000")));
    await(strict.start());
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", strict.httpPort())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      long started = System.nanoTime();
      byte[] head = "POST /topics/slow/messages HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      long closedAfter = -1;
      // One byte every 100 ms (the head alone would take 7 s): the server must close within its 1 s limit.
      for (byte b : head) {
        try {
          out.write(b);
          out.flush();
        } catch (java.io.IOException e) {
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
    } finally {
      await(strict.stop());
    }
    // a normal request on a fresh connection is served as before
    HttpResponse<String> r = post("/topics/slow/messages", "{}", "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(202);
  }

  @Test
  void aKeptAliveConnectionMustSendItsNextHeadInTime() throws Exception {
    ProducersApp strict = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", proxy.uri(),
        "BUS_KEY_PREFIX", "test", "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0",
        "BUS_HTTP_REQUEST_HEAD_TIMEOUT_MS", "1000")));
    await(strict.start());
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", strict.httpPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST /topics/alive/messages HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response = readResponse(socket);
      assertThat(response).startsWith("HTTP/1.1 202");
      long answered = System.nanoTime();
      // the limit starts again when the response ends: an idle kept-alive connection is closed after it
      io.streambus.testsupport.Poll.until(java.time.Duration.ofSeconds(5), () -> {
        try {
          return peerClosed(socket);
        } catch (java.io.IOException e) {
          return true;
        }
      }, () -> "the server closes the idle kept-alive connection");
      assertThat((System.nanoTime() - answered) / 1_000_000).isBetween(900L, 3_000L);
    } finally {
      await(strict.stop());
    }
  }

  /** Reads one response whose body has a Content-Length. */
  private static String readResponse(java.net.Socket socket) throws java.io.IOException {
    java.io.InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("connection closed in the response head: " + head);
      }
      head.append((char) b);
    }
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return head + new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether the peer has closed the socket: a read that returns end of stream (with a short timeout). */
  private static boolean peerClosed(java.net.Socket socket) throws java.io.IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(1);
    try {
      return socket.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  private static String rawRequest(int port, byte[] request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void unreachableRedisGets503WithRetryAfterAndRecovers() throws Exception {
    proxy.refuse(true);
    try {
      HttpResponse<String> r = post("/topics/outage/messages", "{}", "Content-Type", "application/json");
      assertError(r, 503, "unavailable");
      assertThat(r.headers().firstValue("Retry-After")).contains("3");
      HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
    } finally {
      proxy.refuse(false);
    }
    io.streambus.testsupport.Poll.until(java.time.Duration.ofSeconds(15), () -> {
      try {
        return post("/topics/outage/messages", "{}", "Content-Type", "application/json").statusCode() == 202;
      } catch (Exception e) {
        return false;
      }
    }, () -> "ingest accepts again after Redis is back");
    assertThat(Long.parseLong(redis.command("XLEN", "test:{outage:0}"))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void publishesBeyondThePendingBoundGet503OverloadedAtOnce() throws Exception {
    ProducersApp small = new ProducersApp(vertx, Settings.of(Map.of("BUS_REDIS_URL", proxy.uri(),
        "BUS_KEY_PREFIX", "test", "BUS_HTTP_HOST", "127.0.0.1", "BUS_HTTP_PORT", "0",
        "BUS_MAX_PENDING_PUBLISHES", "1", "BUS_PUBLISH_TIMEOUT_MS", "3000")));
    await(small.start());
    proxy.refuse(true);
    try {
      String url = "http://127.0.0.1:" + small.httpPort() + "/topics/busy/messages";
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      // Whichever publish arrives first waits for the unreachable Redis and holds the only pending slot until its
      // 3 s deadline; the others arrive meanwhile and must be refused at once, not wait.
      long sent = System.nanoTime();
      List<java.util.concurrent.CompletableFuture<Long>> doneAt = new java.util.ArrayList<>();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        var r = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        responses.add(r);
        doneAt.add(r.thenApply(x -> (System.nanoTime() - sent) / 1_000_000));
      }
      int overloaded = 0;
      int unavailable = 0;
      for (int i = 0; i < responses.size(); i++) {
        HttpResponse<String> r = responses.get(i).get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        String error = new JsonObject(r.body()).getString("error");
        if (error.equals("overloaded")) {
          overloaded++;
          assertThat(doneAt.get(i).get()).as("refused at once, not after the 3 s deadline").isLessThan(2_500);
        } else {
          assertThat(error).isEqualTo("unavailable");
          unavailable++;
        }
      }
      assertThat(unavailable).as("the publish that held the slot").isGreaterThanOrEqualTo(1);
      assertThat(overloaded).as("publishes refused while it waited").isGreaterThanOrEqualTo(1);
    } finally {
      proxy.refuse(false);
      await(small.stop());
    }
  }

  private static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
  }

  private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
