package io.streambus.demo;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streambus.BusOptions;
import io.streambus.ConsumerListener;
import io.streambus.ConsumerOptions;
import io.streambus.Projection;
import io.streambus.StreamBus;
import io.streambus.app.AppRunner;
import io.streambus.app.BusConfig;
import io.streambus.app.HttpConfig;
import io.streambus.app.Observability;
import io.streambus.app.OpsRoutes;
import io.streambus.app.Settings;
import io.streambus.consumers.ConsumerConfig;
import io.streambus.consumers.ConsumerVerticle;
import io.streambus.consumers.handlers.SimulateHandler;
import io.streambus.consumers.handlers.SumByKeyProjectionFactory;
import io.streambus.dashboard.DashboardConfig;
import io.streambus.dashboard.DashboardOptions;
import io.streambus.dashboard.DashboardVerticle;
import io.streambus.producers.HttpIngestVerticle;
import io.streambus.producers.IngestConfig;
import io.streambus.producers.LoadGeneratorConfig;
import io.streambus.producers.LoadGeneratorVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A complete live system in one process: Redis (external when {@code BUS_REDIS_URL} is set, else a local
 * redis-server), producers publishing to {@value #ORDERS} (3 partitions) and {@value #PAYMENTS}, three consumers of
 * group {@value #GROUP} (fast and a little flaky; slow; one that stalls now and then and crashes every
 * {@value #CRASH_EVERY_MS} ms, so that its peers reclaim what it held), poison messages that end as dead letters, the ingest API and ops routes on
 * {@code BUS_HTTP_PORT} (default {@value #DEFAULT_PORT}), the dashboard on {@value #DASHBOARD_PORT} (default 8080),
 * and live figures on the console.
 *
 * <p>Stopping undeploys in the reverse order (intake first, consumers drained), closes the bus, then stops the local
 * Redis.
 */
public final class DemoApp implements AppRunner.Application {
  public static final String ORDERS = "orders";
  public static final String PAYMENTS = "payments";
  public static final String GROUP = "billing";
  /** The group of the revenue read model, a projection of {@value #ORDERS} (exactly once). */
  public static final String REVENUE_GROUP = "revenue";
  /** The read model's name: the hash of revenue per customer, and its order count per customer. */
  public static final String REVENUE_MODEL = "revenue";
  public static final int DEFAULT_PORT = 8081;
  public static final String RATE = "BUS_DEMO_RATE";
  public static final String FIGURES_MS = "BUS_DEMO_FIGURES_MS";
  public static final String EMBEDDED_REDIS = "BUS_DEMO_EMBEDDED_REDIS";
  public static final String DASHBOARD_PORT = "BUS_DEMO_DASHBOARD_PORT";
  /** How often consumer-3 crashes (and comes back {@value #RESTART_AFTER_MS} ms later): {@value} ms. */
  public static final long CRASH_EVERY_MS = 15_000;
  static final long RESTART_AFTER_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);

  private final Vertx vertx;
  private final Settings settings;
  private final HttpConfig http;
  private final double rate;
  private final long figuresMs;
  private final int dashboardPort;
  private final String dashboardToken = UUID.randomUUID().toString().substring(0, 13);
  private final PrintStream out;
  private final PrometheusMeterRegistry registry = Observability.prometheus();
  private final List<String> deployments = new ArrayList<>();
  private LocalRedis localRedis;
  private StreamBus bus;
  private HttpIngestVerticle ingest;
  private DashboardVerticle dashboard;
  private long figuresTimer = -1;
  private long crashTimer = -1;
  /** The deployment of consumer-3 while it runs, else null. */
  private String crashing;
  private boolean stopping;

  /** Validates the settings; starts nothing. @throws io.streambus.app.ConfigException */
  public DemoApp(Vertx vertx, Settings settings, PrintStream out) {
    this.vertx = vertx;
    this.settings = settings;
    this.out = out;
    this.http = HttpConfig.from(settings, DEFAULT_PORT);
    this.rate = settings.decimal(RATE, 40, 1, 100_000);
    this.figuresMs = settings.longValue(FIGURES_MS, 5_000, 100, 3_600_000);
    this.dashboardPort = settings.integer(DASHBOARD_PORT, DashboardConfig.DEFAULT_PORT, 0, 65_535);
    settings.bool(EMBEDDED_REDIS, false);
    busOptions(null);
  }

  private BusOptions busOptions(String redisUri) {
    Settings s = redisUri == null ? settings : settings.with(Map.of(BusConfig.REDIS_URL, redisUri));
    return BusConfig.busOptions(s).setTopicPartitions(Map.of(ORDERS, 3, PAYMENTS, 1));
  }

  @Override
  public Future<Void> start() {
    String redisUri = settings.string(BusConfig.REDIS_URL, null);
    if (redisUri == null) {
      localRedis = LocalRedis.start(settings.bool(EMBEDDED_REDIS, false));
      redisUri = localRedis.uri();
    }
    BusOptions busOptions = busOptions(redisUri);
    bus = StreamBus.create(vertx, busOptions, registry);
    String redisDescription = localRedis != null ? localRedis.description() : BusOptions.redact(redisUri);
    return deployConsumers()
        .compose(v -> deployIngest())
        .compose(v -> deploy(new LoadGeneratorVerticle(bus, loadGenerator())))
        .compose(v -> deployDashboard(busOptions))
        .onSuccess(dashboardUrl -> {
          if (localRedis != null) {
            localRedis.detachSafetyHook();
          }
          printWelcome(redisDescription, dashboardUrl);
          figuresTimer = vertx.setPeriodic(figuresMs, id -> new LiveFigures(bus, registry, out).printOnce());
          crashTimer = vertx.setPeriodic(CRASH_EVERY_MS, id -> crashAndRestart());
        })
        .mapEmpty();
  }

  /**
   * The dashboard, in this process on the demo's bus and registry, on loopback only. A fresh token per run, printed
   * on the console, lets the person at this machine try replay and delete of dead letters.
   */
  private Future<String> deployDashboard(BusOptions busOptions) {
    DashboardOptions options = new DashboardOptions().setMutationToken(dashboardToken);
    dashboard = new DashboardVerticle(bus, registry, new DashboardConfig(busOptions, options, "127.0.0.1",
        dashboardPort));
    return deploy(dashboard).map(v -> "http://localhost:" + dashboard.actualPort() + "/");
  }

  private Future<Void> deployConsumers() {
    // fast but flaky; slow; usually quick but sometimes stalls (its lease is renewed, so peers leave it alone until
    // the handler timeout fails it), and it crashes now and then: what it held is reclaimed by the other two
    return deploy(consumer("consumer-1", new SimulateHandler(vertx, 5, 5, 0.05, 0, 0), 5_000))
        .compose(v -> deploy(consumer("consumer-2", new SimulateHandler(vertx, 150, 50, 0.02, 0, 0), 5_000)))
        .compose(v -> deployCrashing())
        .compose(v -> deployRevenue());
  }

  /**
   * The read model: revenue and order count per customer (the order's key), summed from {@value #ORDERS} by the
   * built-in sum-by-key projection in group {@value #REVENUE_GROUP}, each order applied exactly once with its
   * acknowledgement.
   */
  private Future<Void> deployRevenue() {
    Projection revenue = new SumByKeyProjectionFactory().createProjection(vertx, new JsonObject()
        .put(SumByKeyProjectionFactory.FIELD, "amount").put(SumByKeyProjectionFactory.MODEL, REVENUE_MODEL));
    ConsumerOptions options = new ConsumerOptions().setConsumerName("revenue-1").setMaxInFlight(16)
        .setListener(quietListener());
    return deploy(new ConsumerVerticle(bus, new ConsumerConfig(List.of(ORDERS), REVENUE_GROUP, "sum-by-key", options),
        revenue));
  }

  /** consumer-3, with no time to drain when it stops: what it has in its handlers stays pending, as in a crash. */
  private Future<Void> deployCrashing() {
    return vertx.deployVerticle(consumer("consumer-3", new SimulateHandler(vertx, 20, 10, 0.02, 0.01, 8_000), 0))
        .onSuccess(id -> crashing = id).mapEmpty();
  }

  private void crashAndRestart() {
    String id = crashing;
    crashing = null;
    if (id == null || stopping) {
      return;
    }
    vertx.undeploy(id).onComplete(ar -> vertx.setTimer(RESTART_AFTER_MS, t -> {
      if (!stopping) {
        deployCrashing().onFailure(e -> LOG.warn("consumer-3 did not come back: {}", e.toString()));
      }
    }));
  }

  private ConsumerVerticle consumer(String name, SimulateHandler handler, long closeTimeoutMs) {
    ConsumerOptions options = new ConsumerOptions().setConsumerName(name).setMaxInFlight(16).setMaxDeliveries(4)
        .setClaimMinIdleMs(5_000).setReclaimIntervalMs(1_000).setHandlerTimeoutMs(15_000)
        .setCloseTimeoutMs(closeTimeoutMs).setBlockMs(1_000).setListener(quietListener());
    options.getRetry().setInitialBackoffMs(200).setMaxBackoffMs(2_000);
    return new ConsumerVerticle(bus, new ConsumerConfig(List.of(ORDERS, PAYMENTS), GROUP, "simulate", options),
        handler);
  }

  /** The figures show failures, retries and dead letters; per-message log lines would drown them. */
  private static ConsumerListener quietListener() {
    return new ConsumerListener() {
      @Override
      public void onRedisError(String stream, String operation, Throwable error) {
        ConsumerListener.logging().onRedisError(stream, operation, error);
      }
    };
  }

  private Future<Void> deployIngest() {
    IngestConfig config = IngestConfig.from(settings);
    ingest = new HttpIngestVerticle(bus, http, config, router -> OpsRoutes.mount(router, registry, bus::ping));
    return deploy(ingest);
  }

  private LoadGeneratorConfig loadGenerator() {
    return new LoadGeneratorConfig(List.of(ORDERS, PAYMENTS), rate, 0, 0, 256, 20, 0.01, 1_000, 60_000);
  }

  private Future<Void> deploy(Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployments::add).mapEmpty();
  }

  private void printWelcome(String redis, String dashboardUrl) {
    String base = "http://localhost:" + ingest.actualPort();
    out.println();
    out.println("Streambus demo is running (Ctrl-C stops it).");
    out.println("  Redis:       " + redis);
    out.println("  Traffic:     ~" + Math.round(rate) + " msg/s to '" + ORDERS + "' (3 partitions) and '" + PAYMENTS
        + "', 1% poison messages");
    out.println("  Consumers:   group '" + GROUP + "': consumer-1 fast (5% failures), consumer-2 slow (150 ms),"
        + " consumer-3 stalls now and then and crashes every " + CRASH_EVERY_MS / 1000
        + " s (reclaimed); group '" + REVENUE_GROUP + "' projects revenue per customer into Redis, exactly once");
    out.println("  Open:        " + dashboardUrl + "   (token for replay/delete: " + dashboardToken
        + "; live figures also follow here every " + figuresMs / 1000 + " s)");
    out.println("  Publish:     curl -H 'Content-Type: application/json' -d '{\"hello\":1}' " + base
        + "/topics/orders/messages");
    out.println("  Metrics:     " + base + "/metrics    Ready: " + base + "/ready");
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    vertx.cancelTimer(figuresTimer);
    vertx.cancelTimer(crashTimer);
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.eventually(() -> vertx.undeploy(id));
    }
    return undeployed
        .eventually(() -> crashing == null ? Future.succeededFuture() : vertx.undeploy(crashing))
        .eventually(() -> bus == null ? Future.succeededFuture() : bus.close())
        .eventually(() -> {
          if (localRedis != null) {
            localRedis.close();
          }
          LOG.info("demo stopped");
          return Future.succeededFuture();
        });
  }

  /** The dashboard's port (tests start on port 0). */
  public int dashboardPort() {
    return dashboard == null ? -1 : dashboard.actualPort();
  }

  /** The ingest/ops port bound (tests start on port 0). */
  public int httpPort() {
    return ingest == null ? -1 : ingest.actualPort();
  }

  public StreamBus bus() {
    return bus;
  }

  /** The registry holding the bus and JVM meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
