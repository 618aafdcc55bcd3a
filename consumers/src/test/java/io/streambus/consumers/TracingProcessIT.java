package io.streambus.consumers;

import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.streambus.consumers.ConsumersProcessIT.await;
import static io.streambus.consumers.ConsumersProcessIT.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace across the real processes: a request with a {@code traceparent} goes to the producers jar, through Redis,
 * to the consumers jar, whose {@code http} handler forwards the message to a receiver in this test; the receiver's
 * {@code traceparent} carries the request's trace id. Both jars trace from {@code OTEL_*}: the producers with the
 * console exporter (its log shows the spans), the consumers with the OTLP exporter (http/protobuf) to this test's
 * receiver, which proves the exporter the jars ship works and that SIGTERM exports what is still buffered.
 */
class TracingProcessIT {
  private static final Path PRODUCERS_JAR = Path.of("..", "producers", "target", "streambus-producers.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER_SPAN_ID = "b7ad6b7169203331";

  private RedisServer redis;
  private Vertx vertx;
  private HttpServer receiver;
  private final Map<String, String> received = new ConcurrentHashMap<>();
  /** OTLP export requests the consumers jar sent, their bodies as ISO-8859-1 text (bytes kept one for one). */
  private final List<String> exported = new CopyOnWriteArrayList<>();
  private final List<JavaProcess> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/v1/traces")) {
        exported.add(body.toString(StandardCharsets.ISO_8859_1));
      } else {
        received.put("traceparent", String.valueOf(req.getHeader("traceparent")));
        received.put("body", body.toString());
      }
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    processes.forEach(JavaProcess::close);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  @Test
  void theReceiverGetsTheTraceOfTheRequestThatWasPublished() throws Exception {
    int producersPort = Ports.free();
    int consumersPort = Ports.free();
    Map<String, String> producersEnv = common("streambus-producers", producersPort);
    JavaProcess producers = JavaProcess.startJar("traced-producers", PRODUCERS_JAR, producersEnv);
    processes.add(producers);
    Map<String, String> consumersEnv = common("streambus-consumers", consumersPort);
    consumersEnv.put("BUS_TOPICS", "events");
    consumersEnv.put("BUS_GROUP", "g");
    consumersEnv.put("BUS_START_POSITION", "beginning");
    consumersEnv.put("BUS_HANDLER", "http");
    consumersEnv.put("BUS_HTTP_TARGET_URL", "http://127.0.0.1:" + receiver.actualPort() + "/deliver");
    consumersEnv.put("BUS_BLOCK_MS", "500");
    consumersEnv.put("OTEL_TRACES_EXPORTER", "otlp");
    consumersEnv.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    consumersEnv.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.actualPort());
    // longer than the test: the consumers' spans reach the collector only through the flush after SIGTERM's drain
    consumersEnv.put("OTEL_BSP_SCHEDULE_DELAY", "600000");
    JavaProcess consumers = JavaProcess.startJar("traced-consumers", ConsumersProcessIT.JAR, consumersEnv);
    processes.add(consumers);
    awaitReady(producers, producersPort);
    awaitReady(consumers, consumersPort);

    HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + producersPort + "/topics/events/messages"))
        .header("Content-Type", "application/json")
        .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
        .POST(HttpRequest.BodyPublishers.ofString("{\"order\": 7}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    // both: the receiver puts them one after the other, on its own thread
    Poll.until(Duration.ofSeconds(30), () -> received.containsKey("traceparent") && received.containsKey("body"),
        () -> "the receiver got the message; consumers log:\n" + consumers.tail(3_000));
    assertThat(received.get("body")).isEqualTo("{\"order\": 7}");
    String traceparent = received.get("traceparent");
    assertThat(traceparent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-0[13]");
    assertThat(traceparent).as("the consumers' HTTP client span, not the caller's")
        .doesNotContain(CALLER_SPAN_ID);

    // the spans each process exported: the consumers' delivery and HTTP call (OTLP: the trace id as 16 raw bytes, span
    // names as text), flushed when SIGTERM stops the process; the producers' ingest request and publish (console); all
    // in the request's trace
    assertThat(exported).as("nothing exported before the flush").isEmpty();
    consumers.terminate();
    assertThat(consumers.waitFor(Duration.ofSeconds(30))).as("exit code; log:\n" + consumers.tail(3_000)).isZero();
    String traceIdBytes = bytes(TRACE_ID);
    String clientSpanBytes = bytes(traceparent.substring(36, 52));
    assertThat(String.join("", exported)).as("the HTTP client span, exported").contains(clientSpanBytes);
    assertThat(exported).as("the delivery's span, exported")
        .anyMatch(b -> b.contains(traceIdBytes) && b.contains("process events"));
    Poll.until(Duration.ofSeconds(10), () -> producers.output().contains("'publish events' : " + TRACE_ID)
            && producers.output().matches("(?s).*: " + TRACE_ID + " [0-9a-f]{16} SERVER .*"),
        () -> "the server and producer spans in the producers log:\n" + producers.tail(3_000));
  }

  /** Hex as the raw bytes OTLP's protobuf carries, one char per byte. */
  private static String bytes(String hex) {
    return new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1);
  }

  private Map<String, String> common(String service, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("BUS_REDIS_URL", redis.uri());
    env.put("BUS_KEY_PREFIX", "traced");
    env.put("BUS_HTTP_HOST", "127.0.0.1");
    env.put("BUS_HTTP_PORT", String.valueOf(port));
    env.put("OTEL_SERVICE_NAME", service);
    env.put("OTEL_TRACES_EXPORTER", "console");
    return env;
  }
}
