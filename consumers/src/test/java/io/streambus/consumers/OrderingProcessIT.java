package io.streambus.consumers;

import io.streambus.BusOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.streambus.consumers.ConsumersProcessIT.await;
import static io.streambus.consumers.ConsumersProcessIT.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key ordering with real processes: three consumers fat-jars (BUS_ORDERING=key) forward 10,000 messages of 30 keys to
 * a receiver in this test that answers after 0-4 ms; mid-run one is SIGKILLed and a new one started, and another is
 * SIGTERMed. Every message arrives; per key, no message arrives while its predecessor is still being handled, none
 * skips ahead, and the only repeats are a crash's in-flight messages, redelivered in order.
 */
class OrderingProcessIT {
  private static final int MESSAGES = 10_000;
  private static final int KEYS = 30;
  private static final int PARTITIONS = 6;
  private static final String TOPIC = "events";
  private static final String GROUP = "g";

  private RedisServer redis;
  private RedisCluster cluster;
  /** BUS_REDIS_URL and BUS_REDIS_TOPOLOGY of the consumers: the standalone server, or the cluster's masters. */
  private String redisUrl;
  private String topology = "standalone";
  private Vertx vertx;
  private HttpServer receiver;
  private StreamBus publisher;
  private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
  /** Per key, the sequence numbers in the order they arrived. */
  private final Map<String, List<Integer>> arrivals = new ConcurrentHashMap<>();
  private final Set<String> unique = ConcurrentHashMap.newKeySet();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final List<JavaProcess> processes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.startDefault();
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      JsonObject m = new JsonObject(body);
      String key = m.getString("key");
      int seq = m.getInteger("seq");
      if (inProgress.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
        overlaps.add(key + "#" + seq);
      }
      arrivals.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(seq);
      vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(4), id -> {
        inProgress.get(key).decrementAndGet();
        unique.add(key + "#" + seq);
        req.response().setStatusCode(200).end();
      });
    })).listen(0, "127.0.0.1"));
  }

  private void standalone() {
    redisUrl = redis.uri();
    publisher = StreamBus.create(vertx, new BusOptions().setConnectionString(redis.uri()).setKeyPrefix("it")
        .setPartitions(PARTITIONS));
  }

  private void onCluster() {
    cluster = RedisCluster.start(3, 0);
    redisUrl = String.join(",", cluster.uris());
    topology = "cluster";
    publisher = StreamBus.create(vertx, new BusOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(cluster.uris()).setKeyPrefix("it").setPartitions(PARTITIONS));
  }

  @AfterEach
  void stop() throws Exception {
    processes.forEach(JavaProcess::close);
    if (publisher != null) {
      await(publisher.close());
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  private JavaProcess consumer(String name) {
    int port = Ports.free();
    Map<String, String> env = ConsumerJarEnv.of(redisUrl, TOPIC, GROUP, name, receiver.actualPort(), port);
    env.put("BUS_REDIS_TOPOLOGY", topology);
    env.put("BUS_PARTITIONS", String.valueOf(PARTITIONS));
    env.put("BUS_ORDERING", "key");
    env.put("BUS_MAX_IN_FLIGHT", "16");
    JavaProcess p = JavaProcess.startJar("consumer-" + name, ConsumersProcessIT.JAR, env);
    processes.add(p);
    awaitReady(p, port);
    return p;
  }

  @Test
  void keyOrderHoldsThroughSigkillJoinAndSigterm() throws Exception {
    standalone();
    run("standalone");
  }

  @Test
  void keyOrderHoldsThroughSigkillJoinAndSigtermOnACluster() throws Exception {
    onCluster();
    run("3-master cluster");
  }

  private void run(String where) throws Exception {
    JavaProcess killed = consumer("c1");
    JavaProcess terminated = consumer("c2");
    consumer("c3");
    Thread publishing = new Thread(this::publishPaced, "publisher");
    publishing.start();
    Poll.until(Duration.ofSeconds(60), () -> unique.size() >= 2_000, () -> "2,000 handled: " + unique.size());
    killed.kill();
    int atKill = unique.size();
    consumer("c4");
    Poll.until(Duration.ofSeconds(60), () -> unique.size() >= 5_000, () -> "5,000 handled: " + unique.size());
    terminated.terminate();
    int atTerm = unique.size();
    publishing.join(60_000);
    assertThat(terminated.waitFor(Duration.ofSeconds(30))).as("SIGTERM exit; log:\n" + terminated.tail(3_000))
        .isZero();
    Poll.until(Duration.ofSeconds(90), () -> unique.size() == MESSAGES, () -> "all " + MESSAGES + " handled, have "
        + unique.size());

    int repeats = 0;
    int restarts = 0;
    List<String> skips = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : arrivals.entrySet()) {
      int max = -1;
      int previous = -1;
      for (int seq : e.getValue()) {
        if (seq > max + 1) {
          skips.add(e.getKey() + ": #" + seq + " arrived before #" + (max + 1));
        }
        if (seq <= max) {
          repeats++;
        }
        if (seq <= previous) {
          restarts++;
        }
        max = Math.max(max, seq);
        previous = seq;
      }
    }
    int deliveries = arrivals.values().stream().mapToInt(List::size).sum();
    System.out.printf("ordering process test (" + where + "): %d messages over %d keys, %d deliveries, %d repeats in %d restarts, "
        + "%d skips, %d overlaps (SIGKILL at %d, SIGTERM at %d)%n", MESSAGES, KEYS, deliveries, repeats, restarts,
        skips.size(), overlaps.size(), atKill, atTerm);
    assertThat(overlaps).as("a key's message arrived while its predecessor was being handled").isEmpty();
    assertThat(skips).as("a key's message arrived before its predecessor").isEmpty();
    assertThat(unique).hasSize(MESSAGES);
  }

  /** 10,000 messages, per key in sequence, over about 5 s, so that the kill and the stop land mid-stream. */
  private void publishPaced() {
    try {
      int[] next = new int[KEYS];
      for (int start = 0; start < MESSAGES; start += 100) {
        List<OutgoingMessage> batch = new ArrayList<>();
        for (int i = start; i < start + 100; i++) {
          int k = i % KEYS;
          batch.add(OutgoingMessage.json(TOPIC, new JsonObject().put("key", "k" + k).put("seq", next[k]++))
              .key("k" + k));
        }
        await(publisher.publishAll(batch));
        Thread.sleep(50); // pacing the producer, not waiting for a condition
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
