package io.streambus.consumers;

import io.streambus.BusOptions;
import io.streambus.StreamBus;
import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.streambus.consumers.ConsumersProcessIT.await;
import static io.streambus.consumers.ConsumersProcessIT.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leases with real consumer processes (the consumers fat-jar, http handler) and a receiver in this test that answers
 * when the test says so: long handlers are never handed to a peer; a frozen process (SIGSTOP) loses its leases and,
 * woken, acknowledges nothing over its peer; a killed one's messages move within the claim min idle plus a reclaim
 * interval; a stopped one (SIGTERM) hands back what it had not started.
 */
class LeasesProcessIT {
  private static final String TOPIC = "jobs";
  private static final String GROUP = "g";
  private static final long CLAIM_MIN_IDLE_MS = 1_500;
  private static final long RECLAIM_INTERVAL_MS = 500;

  /** One request the receiver got: which message, which delivery, from which port, and how to answer it. */
  private record Request(int seq, int delivery, long at, Promise<Integer> answer) {
  }

  private RedisServer redis;
  private Vertx vertx;
  private HttpServer receiver;
  private StreamBus publisher;
  private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
  private final Map<Integer, AtomicInteger> inProgress = new ConcurrentHashMap<>();
  private final AtomicInteger concurrentDuplicates = new AtomicInteger();
  private volatile Predicate<Request> answerAtOnce = r -> false;
  private final List<JavaProcess> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      int seq = new JsonObject(body).getInteger("seq");
      int delivery = Integer.parseInt(req.getHeader("X-Bus-Delivery-Count"));
      if (inProgress.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet() > 1) {
        concurrentDuplicates.incrementAndGet();
      }
      Promise<Integer> answer = Promise.promise();
      answer.future().onComplete(ar -> {
        inProgress.get(seq).decrementAndGet();
        req.response().setStatusCode(ar.succeeded() ? ar.result() : 500).end();
      });
      Request r = new Request(seq, delivery, System.nanoTime(), answer);
      requests.add(r);
      if (answerAtOnce.test(r)) {
        answer.complete(200);
      }
    })).listen(0, "127.0.0.1"));
    publisher = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("it"));
  }

  @AfterEach
  void stop() throws Exception {
    processes.forEach(JavaProcess::close);
    requests.forEach(r -> vertx.runOnContext(v -> r.answer().tryComplete(200)));
    await(publisher.close());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  private JavaProcess consumer(String name, Map<String, String> extra) {
    int port = Ports.free();
    Map<String, String> env = ConsumerJarEnv.of(redis.uri(), TOPIC, GROUP, name, receiver.actualPort(), port);
    env.put("BUS_MAX_IN_FLIGHT", "4");
    env.put("BUS_CLAIM_MIN_IDLE_MS", String.valueOf(CLAIM_MIN_IDLE_MS));
    env.put("BUS_RECLAIM_INTERVAL_MS", String.valueOf(RECLAIM_INTERVAL_MS));
    env.put("BUS_HANDLER_TIMEOUT_MS", "60000");
    env.putAll(extra);
    JavaProcess p = JavaProcess.startJar("consumer-" + name, ConsumersProcessIT.JAR, env);
    processes.add(p);
    awaitReady(p, port);
    return p;
  }

  private void publish(int n) throws Exception {
    for (int seq = 0; seq < n; seq++) {
      await(publisher.publish(TOPIC, new JsonObject().put("seq", seq)));
    }
  }

  private void answerAll() {
    requests.forEach(r -> vertx.runOnContext(v -> r.answer().tryComplete(200)));
  }

  private boolean settled() {
    return redis.command("XPENDING", "it:{" + TOPIC + ":0}", GROUP).startsWith("0")
        && redis.command("XINFO", "GROUPS", "it:{" + TOPIC + ":0}").contains("\nlag\n0");
  }

  /** Two processes, handlers 5x the claim min idle: every message handled once, never concurrently. */
  @Test
  void longHandlersAreNeverHandedToAPeer() throws Exception {
    consumer("a", Map.of());
    consumer("b", Map.of());
    publish(8);
    Poll.until(Duration.ofSeconds(20), () -> requests.size() == 8, () -> "8 requests: " + requests.size());
    long handlerMs = 5 * CLAIM_MIN_IDLE_MS;
    Poll.until(Duration.ofMillis(handlerMs + 10_000), () -> {
      requests.forEach(r -> {
        if (System.nanoTime() - r.at() >= TimeUnit.MILLISECONDS.toNanos(handlerMs)) {
          vertx.runOnContext(v -> r.answer().tryComplete(200));
        }
      });
      return requests.stream().allMatch(r -> r.answer().future().isComplete());
    }, () -> "all answered after " + handlerMs + " ms");
    Poll.until(Duration.ofSeconds(10), this::settled, () -> "acknowledged");
    System.out.printf("leases (processes): 8 messages, handler %d ms, claim min idle %d ms: %d requests, "
        + "%d concurrent duplicates%n", handlerMs, CLAIM_MIN_IDLE_MS, requests.size(), concurrentDuplicates.get());
    assertThat(requests).hasSize(8);
    assertThat(requests).allMatch(r -> r.delivery() == 1);
    assertThat(concurrentDuplicates.get()).isZero();
  }

  /** SIGSTOP past the claim min idle: the peer takes over; woken, the frozen one acknowledges nothing over it. */
  @Test
  void aFrozenProcessLosesItsLeasesAndWokenAcknowledgesNothingOverThePeer() throws Exception {
    JavaProcess frozen = consumer("frozen", Map.of());
    publish(4);
    Poll.until(Duration.ofSeconds(20), () -> requests.size() == 4, () -> "the first process has all 4");
    frozen.freeze();
    answerAll(); // the answers wait in the frozen process's socket
    consumer("peer", Map.of());
    Poll.until(Duration.ofSeconds(20), () -> requests.stream().filter(r -> r.delivery() == 2).count() == 4,
        () -> "the peer took all 4 over: " + requests.size());
    frozen.resume();
    Poll.until(Duration.ofSeconds(20), () -> frozen.output().split("lost the lease", -1).length - 1 >= 4,
        () -> "the woken process reported 4 lost leases; log:\n" + frozen.tail(3_000));
    // the peer still holds all four: nothing was acknowledged over it
    assertThat(redis.command("XPENDING", "it:{" + TOPIC + ":0}", GROUP)).startsWith("4");
    assertThat(redis.command("XPENDING", "it:{" + TOPIC + ":0}", GROUP, "-", "+", "10", "peer").split("\n"))
        .hasSize(4 * 4);
    answerAll();
    Poll.until(Duration.ofSeconds(10), this::settled, () -> "the peer acknowledged them");
    System.out.printf("SIGSTOP: 4 messages taken over by the peer; the woken process logged %d lost leases%n",
        frozen.output().split("lost the lease", -1).length - 1);
  }

  /** SIGKILL: the dead process's messages reach the peer within claim min idle + one reclaim interval. */
  @Test
  void aKilledProcessesMessagesMoveWithinClaimMinIdlePlusOneReclaimInterval() throws Exception {
    JavaProcess killed = consumer("killed", Map.of());
    answerAtOnce = r -> r.delivery() > 1;
    publish(4);
    Poll.until(Duration.ofSeconds(20), () -> requests.size() == 4, () -> "the first process has all 4");
    consumer("peer", Map.of());
    killed.kill();
    long killedAt = System.nanoTime();
    Poll.until(Duration.ofSeconds(20), () -> requests.stream().filter(r -> r.delivery() == 2).count() == 4,
        () -> "the peer took over the killed one's 4: " + requests.size());
    long worstMs = requests.stream().filter(r -> r.delivery() == 2)
        .mapToLong(r -> TimeUnit.NANOSECONDS.toMillis(r.at() - killedAt)).max().orElseThrow();
    System.out.printf("SIGKILL: the killed process's 4 messages reached the peer within %d ms (claim min idle %d ms "
        + "+ reclaim interval %d ms)%n", worstMs, CLAIM_MIN_IDLE_MS, RECLAIM_INTERVAL_MS);
    assertThat(worstMs).isLessThanOrEqualTo(CLAIM_MIN_IDLE_MS + RECLAIM_INTERVAL_MS + 1_000);
    answerAll();
    Poll.until(Duration.ofSeconds(10), this::settled, () -> "acknowledged");
  }

  /** SIGTERM with messages read but not started: a peer has them within one reclaim interval. */
  @Test
  void aStoppedProcessHandsBackWhatItHadNotStarted() throws Exception {
    // a rate limit keeps what was read queued: one request started, the other three waiting
    JavaProcess stopped = consumer("stopped", Map.of("BUS_RATE_LIMIT", "0.1", "BUS_DRAIN_TIMEOUT_MS", "200"));
    publish(4);
    Poll.until(Duration.ofSeconds(20), () -> requests.size() == 1
        && redis.command("XPENDING", "it:{" + TOPIC + ":0}", GROUP).startsWith("4"), () -> "1 started, 3 queued");
    consumer("peer", Map.of("BUS_CLAIM_MIN_IDLE_MS", "600000"));
    answerAtOnce = r -> true;
    answerAll(); // the started one completes; the rate limit keeps the other three waiting
    stopped.terminate();
    long stoppedAt = System.nanoTime();
    Poll.until(Duration.ofSeconds(20), () -> requests.stream().filter(r -> r.delivery() == 1).count() == 4,
        () -> "the peer has the 3 handed back: " + requests.size());
    long worstMs = requests.stream().skip(1).mapToLong(r -> TimeUnit.NANOSECONDS.toMillis(r.at() - stoppedAt))
        .max().orElseThrow();
    System.out.printf("SIGTERM: 3 queued messages reached the peer (claim min idle 600000 ms) within %d ms of the "
        + "signal (reclaim interval %d ms, drain deadline 200 ms)%n", worstMs, RECLAIM_INTERVAL_MS);
    assertThat(stopped.waitFor(Duration.ofSeconds(30))).isZero();
    answerAll();
    Poll.until(Duration.ofSeconds(10), this::settled, () -> "acknowledged");
  }
}
