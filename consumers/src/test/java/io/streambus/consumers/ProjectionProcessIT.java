package io.streambus.consumers;

import io.streambus.BusOptions;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.Topics;
import io.streambus.testsupport.JavaProcess;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.Ports;
import io.streambus.testsupport.RedisCluster;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.streambus.consumers.ConsumersProcessIT.await;
import static io.streambus.consumers.ConsumersProcessIT.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once where Redis holds the state, with real processes: three consumers fat-jars run the built-in
 * {@code sum-by-key} projection (revenue and order count per customer) over 20,000 orders while they are SIGKILLed
 * and replaced every few seconds, and Redis itself (AOF, {@code appendfsync always}) is SIGKILLed and restarted once.
 * Afterwards the read model must equal the exact fold of the events the streams hold: nothing lost, nothing applied
 * twice. The expected fold is computed from the streams, not from what the publisher meant to send: a publish retried
 * after Redis died may have stored its batch twice, and then both copies are events.
 */
class ProjectionProcessIT {
  private static final int EVENTS = 20_000;
  private static final int CUSTOMERS = 50;
  private static final int PARTITIONS = 6;
  private static final String TOPIC = "orders";
  private static final String GROUP = "revenue";
  private static final String MODEL = "revenue";
  /** SIGKILLs of consumer processes (each replaced at once), spaced a few seconds apart. */
  private static final int CONSUMER_KILLS = 4;

  private RedisServer redis;
  private RedisCluster cluster;
  private String redisUrl;
  private String topology = "standalone";
  private Vertx vertx;
  private StreamBus publisher;
  private final List<JavaProcess> processes = new ArrayList<>();
  private final AtomicInteger published = new AtomicInteger();
  private final AtomicInteger publishRetries = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    processes.forEach(JavaProcess::close);
    if (publisher != null) {
      await(publisher.close());
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (redis != null) {
      redis.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theReadModelEqualsTheFoldOfTheEventsThroughConsumerAndRedisCrashes() throws Exception {
    redis = RedisServer.builder().name("projection-aof").aof(true).start();
    redisUrl = redis.uri();
    publisher = StreamBus.create(vertx, busOptions().setConnectionString(redis.uri()));
    run("standalone, AOF appendfsync always", redis, key -> redis);
  }

  @Test
  void theReadModelEqualsTheFoldOfTheEventsOnAClusterThroughConsumerAndMasterCrashes() throws Exception {
    cluster = RedisCluster.start(3, 0, node -> new String[] {"--appendonly", "yes", "--appendfsync", "always"});
    redisUrl = String.join(",", cluster.uris());
    topology = "cluster";
    publisher = StreamBus.create(vertx, busOptions().setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionStrings(cluster.uris()));
    RedisServer victim = cluster.nodeForSlotOwner(stream(0));
    run("3-master cluster, AOF appendfsync always", victim, cluster::nodeForSlotOwner);
  }

  private static BusOptions busOptions() {
    // the streams are the events the model is checked against: the publisher, which trims what it publishes to, keeps
    // them all, as the consumers do (BUS_TRIM_POLICY)
    return new BusOptions().setKeyPrefix("it").setPartitions(PARTITIONS).setPublishTimeoutMs(2_000)
        .setTrimPolicy(BusOptions.TrimPolicy.NONE);
  }

  /**
   * @param crashed the server (or master) SIGKILLed and restarted mid-run
   * @param nodeOf the server holding a key
   */
  private void run(String where, RedisServer crashed, Function<String, RedisServer> nodeOf) throws Exception {
    List<JavaProcess> live = new ArrayList<>(List.of(consumer("c1"), consumer("c2"), consumer("c3")));
    AtomicBoolean publishing = new AtomicBoolean(true);
    Thread producer = new Thread(() -> publish(publishing), "publisher");
    producer.start();

    int names = 3;
    Random random = new Random(42);
    long redisKilledAt = -1;
    int kills = 0;
    while (kills < CONSUMER_KILLS && publishing.get()) {
      // a crash per 1,500 orders published (about 2 s), while the consumers are busy
      int before = published.get();
      Poll.until(Duration.ofSeconds(60), () -> published.get() >= before + 1_500 || !publishing.get(),
          () -> "publishing goes on: " + published.get());
      if (!publishing.get()) {
        break;
      }
      int kill = kills++;
      JavaProcess victim = live.remove(random.nextInt(live.size()));
      victim.kill();
      live.add(consumer("c" + (++names)));
      if (kill == 1) {
        // Redis dies too: what it acknowledged is on disk (appendfsync always), the rest was never acknowledged
        redisKilledAt = published.get();
        crashed.kill();
        crashed.start();
      }
    }
    producer.join(180_000);
    assertThat(producer.isAlive()).as("the publisher finished").isFalse();

    Map<String, long[]> expected = new TreeMap<>();
    Poll.until(Duration.ofSeconds(120), () -> everythingAcknowledged(nodeOf),
        () -> "every event projected and acknowledged: " + pendingSummary(nodeOf));
    int events = foldStreams(nodeOf, expected);
    Map<String, long[]> actual = readModel(nodeOf);

    long expectedRevenue = expected.values().stream().mapToLong(v -> v[0]).sum();
    long actualRevenue = actual.values().stream().mapToLong(v -> v[0]).sum();
    long actualCount = actual.values().stream().mapToLong(v -> v[1]).sum();
    System.out.printf("projection process test (%s): %d events in the streams (%d published, %d batches retried),"
            + " %d consumer SIGKILLs, Redis SIGKILLed once at %d published; revenue expected %d actual %d, orders"
            + " expected %d actual %d, %d customers%n", where, events, published.get(), publishRetries.get(),
        kills, redisKilledAt, expectedRevenue, actualRevenue, events, actualCount, actual.size());
    assertThat(events).as("events stored").isGreaterThanOrEqualTo(EVENTS);
    assertThat(kills).as("consumer SIGKILLs while publishing").isGreaterThanOrEqualTo(3);
    assertThat(redisKilledAt).as("Redis SIGKILLed while publishing").isPositive();
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((customer, v) -> {
      assertThat(actual.get(customer)[0]).as("revenue of %s", customer).isEqualTo(v[0]);
      assertThat(actual.get(customer)[1]).as("orders of %s", customer).isEqualTo(v[1]);
    });
  }

  private JavaProcess consumer(String name) {
    int port = Ports.free();
    Map<String, String> env = ConsumerJarEnv.of(redisUrl, TOPIC, GROUP, name, 1, port);
    env.remove("BUS_HTTP_TARGET_URL");
    env.put("BUS_HANDLER", "sum-by-key");
    env.put("BUS_SUM_FIELD", "amount");
    env.put("BUS_SUM_MODEL", MODEL);
    env.put("BUS_REDIS_TOPOLOGY", topology);
    env.put("BUS_PARTITIONS", String.valueOf(PARTITIONS));
    env.put("BUS_MAX_IN_FLIGHT", "32");
    // the streams are the events the model is checked against: nothing is trimmed
    env.put("BUS_TRIM_POLICY", "none");
    JavaProcess p = JavaProcess.startJar("projector-" + name, ConsumersProcessIT.JAR, env);
    processes.add(p);
    awaitReady(p, port);
    return p;
  }

  /** 20,000 orders of 50 customers in batches of 100 over about 25 s; a failed batch is sent again. */
  private void publish(AtomicBoolean publishing) {
    Random random = new Random(7);
    try {
      while (published.get() < EVENTS) {
        List<OutgoingMessage> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          String customer = "customer-" + random.nextInt(CUSTOMERS);
          batch.add(OutgoingMessage.json(TOPIC, new JsonObject().put("customer", customer)
              .put("amount", 1 + random.nextInt(1_000))).key(customer));
        }
        while (true) {
          try {
            await(publisher.publishAll(batch));
            break;
          } catch (Exception e) {
            // Redis is down or restarting: the batch may or may not be stored (the fold reads the streams)
            publishRetries.incrementAndGet();
            Thread.sleep(200); // pacing the retries of a producer, not waiting for a condition
          }
        }
        published.addAndGet(batch.size());
        Thread.sleep(120); // pacing the producer so that the crashes land mid-stream, not waiting for a condition
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      publishing.set(false);
    }
  }

  private static String stream(int partition) {
    return "it:" + Topics.hashTag(TOPIC, partition);
  }

  private boolean everythingAcknowledged(Function<String, RedisServer> nodeOf) {
    for (int p = 0; p < PARTITIONS; p++) {
      String stream = stream(p);
      Object groups = nodeOf.apply(stream).commandRaw("XINFO", "GROUPS", stream);
      boolean done = false;
      for (Object g : (List<?>) groups) {
        Map<String, Object> info = pairs((List<?>) g);
        if (GROUP.equals(String.valueOf(info.get("name")))) {
          done = Long.parseLong(String.valueOf(info.get("pending"))) == 0
              && "0".equals(String.valueOf(info.get("lag")));
        }
      }
      if (!done) {
        return false;
      }
    }
    return true;
  }

  private String pendingSummary(Function<String, RedisServer> nodeOf) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < PARTITIONS; p++) {
      String stream = stream(p);
      try {
        sb.append(p).append(": ").append(nodeOf.apply(stream).command("XINFO", "GROUPS", stream).replace('\n', ' '))
            .append("; ");
      } catch (RuntimeException e) {
        sb.append(p).append(": ").append(e.getMessage()).append("; ");
      }
    }
    return sb.toString();
  }

  /** Revenue and order count per customer over every event in the streams; returns the number of events. */
  private int foldStreams(Function<String, RedisServer> nodeOf, Map<String, long[]> fold) {
    int events = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      String stream = stream(p);
      String from = "-";
      while (true) {
        List<?> entries = (List<?>) nodeOf.apply(stream).commandRaw("XRANGE", stream, from, "+", "COUNT", "1000");
        if (entries.isEmpty()) {
          break;
        }
        for (Object e : entries) {
          List<?> entry = (List<?>) e;
          Map<String, Object> fields = pairs((List<?>) entry.get(1));
          JsonObject order = new JsonObject(String.valueOf(fields.get("payload")));
          long[] v = fold.computeIfAbsent(order.getString("customer"), c -> new long[2]);
          v[0] += order.getLong("amount");
          v[1]++;
          events++;
          from = "(" + entry.get(0);
        }
      }
    }
    return events;
  }

  /** The model's two hashes in every partition: revenue and order count per customer. */
  private Map<String, long[]> readModel(Function<String, RedisServer> nodeOf) {
    Map<String, long[]> model = new TreeMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      String sums = Topics.modelKey("it", TOPIC, p, MODEL);
      RedisServer node = nodeOf.apply(sums);
      pairs((List<?>) node.commandRaw("HGETALL", sums)).forEach((customer, sum) ->
          model.computeIfAbsent(customer, c -> new long[2])[0] += Long.parseLong(String.valueOf(sum)));
      pairs((List<?>) node.commandRaw("HGETALL", sums + ":count")).forEach((customer, count) ->
          model.computeIfAbsent(customer, c -> new long[2])[1] += Long.parseLong(String.valueOf(count)));
    }
    return model;
  }

  private static Map<String, Object> pairs(List<?> flat) {
    Map<String, Object> m = new TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      m.put(String.valueOf(flat.get(i)), flat.get(i + 1));
    }
    return m;
  }
}
