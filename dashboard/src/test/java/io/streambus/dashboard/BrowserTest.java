package io.streambus.dashboard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.Message;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.testsupport.Poll;
import io.streambus.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.streambus.dashboard.DashboardTestBase.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real page in headless Chromium against a real server and Redis: it loads, its numbers move while a producer
 * runs, the charts draw, a dead letter is replayed end to end, and hostile payloads stay text. Where Redis is, who
 * the bus and the dashboard connect as, and how the test reaches the server holding a key are the protected hooks
 * ({@link #startServers}, {@link #busOptions}, {@link #dashboardBusOptions}, {@link #command}, {@link #stopServers}):
 * {@link ManagedClusterBrowserTest} runs every test again on the managed-Redis cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {
  private static final String TOKEN = "browser-test-token";
  static final String PREFIX = "web";
  private static final String SCRIPT = "<script>window.__xss=1</script>";
  private static final String IMG = "<img src=x onerror=\"window.__xss=1\">";
  private static final String SVG = "\"><svg onload=\"window.__xss=1\">";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RedisServer redis;
  private Vertx vertx;
  private StreamBus bus;
  private WebDriver driver;
  private WebDriverWait wait;
  private String baseUrl;
  private long producer;
  private final AtomicInteger replayDeliveries = new AtomicInteger();
  private final AtomicBoolean refundsBroken = new AtomicBoolean(true);
  private final AtomicInteger refundsCalls = new AtomicInteger();

  @BeforeAll
  void start() {
    startServers();
    vertx = Vertx.vertx();
    bus = StreamBus.create(vertx, busOptions(), new SimpleMeterRegistry());
    DashboardVerticle dashboard = new DashboardVerticle(new DashboardConfig(dashboardBusOptions(),
        new DashboardOptions().setSampleIntervalMs(500).setMutationToken(TOKEN), "127.0.0.1", 0));
    await(vertx.deployVerticle(dashboard));
    baseUrl = "http://127.0.0.1:" + dashboard.actualPort() + "/";
    shopScene();
    evilScene();
    returnsScene();
    driver = chrome();
    wait = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
    // every reload of the dead letters (a sample, the token, a search) renders their rows anew: an element found a
    // moment earlier may be gone when it is read or clicked, and the condition is then simply tried again
    wait.ignoring(StaleElementReferenceException.class);
  }

  /** Starts the Redis the test runs on: one redis-server. */
  protected void startServers() {
    redis = RedisServer.startDefault();
  }

  /** The bus of the test's producers and consumers: key prefix {@value #PREFIX}, topic shop on 2 partitions. */
  protected BusOptions busOptions() {
    return new BusOptions().setConnectionString(redis.uri()).setKeyPrefix(PREFIX)
        .setTopicPartitions(Map.of("shop", 2));
  }

  /** Where and as whom the dashboard connects: as the test's bus. */
  protected BusOptions dashboardBusOptions() {
    return busOptions();
  }

  /** A command, as the harness's user, on the server that holds {@code key}. */
  protected String command(String key, String... args) {
    return redis.command(args);
  }

  /** Stops what {@link #startServers} started. */
  protected void stopServers() {
    if (redis != null) {
      redis.close();
    }
  }

  /** A running shop: a group that keeps up, one too slow, one stopped, and a producer at 20 messages a second. */
  private void shopScene() {
    ConsumerOptions fast = new ConsumerOptions().setBlockMs(100);
    await(bus.subscribe("shop", "billing", this::bill, fast));
    await(bus.subscribe("shop", "reporting", m -> Future.succeededFuture(),
        new ConsumerOptions(fast).setMaxRatePerSecond(8)));
    await(bus.subscribe("shop", "archive", m -> Future.succeededFuture(), fast)).pause();
    AtomicInteger n = new AtomicInteger();
    producer = vertx.setPeriodic(50, id -> bus.publish(OutgoingMessage.json("shop", new JsonObject()
        .put("order", n.incrementAndGet()).put("amount", 10 + n.get() % 90).put("currency", "EUR"))
        .header("source", "web-shop")));
  }

  /** Billing declines the order marked "replay-me" once, and takes it when it comes back; "declined" never. */
  private Future<Void> bill(Message m) {
    if (m.text().contains("declined")) {
      return Future.failedFuture(new BusException.NonRetryable("card declined: insufficient funds"));
    }
    if (m.text().contains("replay-me") && replayDeliveries.incrementAndGet() == 1) {
      return Future.failedFuture(new BusException.NonRetryable("card declined for order replay-me"));
    }
    return Future.succeededFuture();
  }

  /** Dead letters whose payloads, headers, error, group and consumer names are all markup. */
  private void evilScene() {
    await(bus.subscribe("evil", "guard",
        m -> Future.failedFuture(new BusException.NonRetryable(SCRIPT + " rejected " + IMG)),
        new ConsumerOptions().setBlockMs(100)));
    for (String payload : List.of(SCRIPT, IMG, SVG)) {
      await(bus.publish(OutgoingMessage.text("evil", payload).header("note", SVG)));
    }
    await(bus.publish(OutgoingMessage.json("evil", new JsonObject().put("html", IMG)).header(IMG, SCRIPT)));
    String stream = PREFIX + ":{evil:0}";
    command(stream, "XGROUP", "CREATE", stream, IMG, "0");
    command(stream, "XREADGROUP", "GROUP", IMG, SVG, "COUNT", "1", "STREAMS", stream, ">");
  }

  /**
   * Dead letters to search: groups refunds (failing until the test fixes it) and audit (always failing) each
   * dead-letter six messages, three with key cust-7 and header channel: phone, three with cust-9 and channel: web.
   */
  private void returnsScene() {
    ConsumerOptions options = new ConsumerOptions().setBlockMs(100);
    await(bus.subscribe("returns", "refunds", m -> {
      refundsCalls.incrementAndGet();
      return refundsBroken.get() ? Future.failedFuture(new BusException.NonRetryable("refund refused"))
          : Future.succeededFuture();
    }, options));
    await(bus.subscribe("returns", "audit", m -> Future.failedFuture(new BusException.NonRetryable("audit closed")),
        options));
    for (int i = 0; i < 6; i++) {
      boolean phone = i % 2 == 0;
      await(bus.publish(OutgoingMessage.json("returns", new JsonObject().put("return", i))
          .key(phone ? "cust-7" : "cust-9").header("channel", phone ? "phone" : "web")));
    }
    String dlq = PREFIX + ":{returns:0}:dlq";
    Poll.until(Duration.ofSeconds(15), () -> "12".equals(command(dlq, "XLEN", dlq)),
        () -> "12 dead letters of returns");
  }

  private static WebDriver chrome() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    try {
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1440,1400",
          "--user-data-dir=" + Files.createTempDirectory("streambus-chromium").toAbsolutePath());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (vertx != null) {
      vertx.cancelTimer(producer);
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    stopServers();
  }

  @Test
  @Order(1)
  void pageLoadsAndItsNumbersChangeWhileAProducerRuns() {
    driver.get(baseUrl);
    wait.until(d -> "live".equals(d.findElement(By.id("live")).getAttribute("data-state")));

    By length = By.cssSelector("#topics tr[data-topic='shop'] td[data-field='length']");
    Set<String> seen = new LinkedHashSet<>();
    wait.until(d -> {
      seen.add(d.findElement(length).getAttribute("data-value"));
      return seen.size() >= 3;
    });
    assertThat(seen).doesNotContain("");
    assertThat(driver.getTitle()).isEqualTo("Streambus dashboard");
  }

  @Test
  @Order(2)
  void chartsRender() {
    driver.findElement(By.cssSelector("#topics tr[data-topic='shop']")).click();
    wait.until(d -> "4".equals(d.findElement(By.id("chart-rate")).getAttribute("data-series"))
        && "3".equals(d.findElement(By.id("chart-lag")).getAttribute("data-series")));

    // The first group's colour, drawn by uPlot on the throughput canvas: its line is really there.
    wait.until(d -> pixelsOfColour("#chart-rate canvas", 47, 111, 222) > 50);
    assertThat(driver.findElements(By.cssSelector("#chart-rate .u-legend .u-series"))).hasSizeGreaterThanOrEqualTo(4);
    assertThat(pixelsOfColour("#chart-lag canvas", 47, 111, 222)).isPositive();
  }

  private long pixelsOfColour(String canvas, int r, int g, int b) {
    Object n = ((JavascriptExecutor) driver).executeScript("""
        const c = document.querySelector(arguments[0]);
        if (!c) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 100 && Math.abs(d[i] - arguments[1]) < 40 && Math.abs(d[i + 1] - arguments[2]) < 40
              && Math.abs(d[i + 2] - arguments[3]) < 40) n++;
        }
        return n;""", canvas, r, g, b);
    return ((Number) n).longValue();
  }

  @Test
  @Order(3)
  void aDeadLetterIsReplayedEndToEnd() {
    await(bus.publish("shop", new JsonObject().put("order", "replay-me").put("amount", 99)));
    By row = By.cssSelector("#deadletters tr[data-ref]");
    String ref = wait.until(d -> d.findElements(row).stream().findFirst().orElse(null)).getAttribute("data-ref");
    driver.findElement(By.id("token")).sendKeys(TOKEN, Keys.TAB);

    // Entering the token reloads the list, whose rows are then rendered anew: click whichever row is there.
    clickFresh(By.cssSelector("#deadletters tr[data-ref='" + ref + "']"));
    clickReplay(ref);
    driver.findElement(By.id("confirm-cancel")).click();
    assertThat(driver.findElements(By.cssSelector("#deadletters tr[data-ref='" + ref + "']"))).hasSize(1);
    assertThat(replayDeliveries.get()).as("cancelled: not replayed").isEqualTo(1);

    clickReplay(ref);
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(d -> d.findElements(By.cssSelector("#deadletters tr[data-ref='" + ref + "']")).isEmpty());
    Poll.until(Duration.ofSeconds(10), () -> replayDeliveries.get() == 2, () -> "billing receives the replay");
    for (String dlq : List.of(PREFIX + ":{shop:0}:dlq", PREFIX + ":{shop:1}:dlq")) {
      assertThat(command(dlq, "XLEN", dlq)).as(dlq).isEqualTo("0");
    }
  }

  private void clickReplay(String ref) {
    By replay = By.cssSelector("tr[data-detail='" + ref + "'] button[data-action='replay']");
    String label = wait.until(d -> d.findElement(replay).getText());
    assertThat(label).isEqualTo("Replay to billing");
    clickFresh(replay);
    wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
  }

  @Test
  @Order(4)
  void hostilePayloadsShowAsText() {
    driver.findElement(By.cssSelector("#topics tr[data-topic='evil']")).click();
    By rows = By.cssSelector("#deadletters tr[data-ref]");
    wait.until(d -> d.findElements(rows).size() == 4);
    List<String> refs = new ArrayList<>();
    driver.findElements(rows).forEach(r -> refs.add(r.getAttribute("data-ref")));

    List<String> payloads = new ArrayList<>();
    for (String ref : refs) {
      clickFresh(By.cssSelector("#deadletters tr[data-ref='" + ref + "']"));
      WebElement detail = wait.until(d -> d.findElements(By.cssSelector("tr[data-detail='" + ref + "']")).stream()
          .findFirst().orElse(null));
      payloads.add(detail.findElement(By.cssSelector("pre[data-field='payload']")).getText());
      assertThat(detail.findElement(By.cssSelector("pre[data-field='error']")).getText())
          .isEqualTo(SCRIPT + " rejected " + IMG);
      assertThat(detail.findElement(By.cssSelector("table[data-field='headers']")).getText()).containsAnyOf(SVG,
          SCRIPT);
    }
    String prettyJson = "{\n  \"html\": \"" + IMG.replace("\"", "\\\"") + "\"\n}";
    assertThat(payloads).containsExactlyInAnyOrder(SCRIPT, IMG, SVG, prettyJson);

    assertThat(texts("#groups td[data-field='group']")).contains(IMG);
    assertThat(texts("#consumers tr[data-consumer] td")).contains(SVG);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return typeof window.__xss")).isEqualTo("undefined");
    assertThat(js.executeScript("return document.querySelectorAll('img, svg, iframe, object').length"))
        .isEqualTo(0L);
    assertThat(js.executeScript("return document.scripts.length")).as("only the page's own two").isEqualTo(2L);
    screenshot("deadletters.png");
  }

  /** The text of every element matching {@code css}, read in one go (the page re-renders them every sample). */
  @SuppressWarnings("unchecked")
  private List<String> texts(String css) {
    return (List<String>) ((JavascriptExecutor) driver).executeScript(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
  }

  @Test
  @Order(5)
  void searchFindsDeadLettersByKeyHeaderAndGroupAndSaysWhyAValueIsRefused() throws Exception {
    driver.findElement(By.cssSelector("#topics tr[data-topic='returns']")).click();
    wait.until(d -> rowRefs().size() == 12);

    search("dl-key", "cust-7");
    wait.until(d -> rowRefs().size() == 6);
    assertThat(rowRefs()).containsExactlyInAnyOrderElementsOf(apiRefs("key=cust-7"));
    assertThat(driver.findElement(By.id("dl-filter")).getText()).isEqualTo("Dead letters matching key = cust-7");

    search("dl-header", "channel:phone");
    new Select(driver.findElement(By.id("dl-group"))).selectByVisibleText("refunds"); // a choice applies at once
    wait.until(d -> rowRefs().size() == 3 && rowTexts(2).stream().allMatch("refunds"::equals));
    assertThat(rowRefs()).containsExactlyInAnyOrderElementsOf(apiRefs("key=cust-7&header=channel:phone&group=refunds"));

    driver.findElement(By.id("dl-search-clear")).click();
    wait.until(d -> rowRefs().size() == 12);
    assertThat(driver.findElement(By.id("dl-filter")).isDisplayed()).isFalse();

    search("dl-id", "not-an-id");
    wait.until(d -> d.findElement(By.id("notices")).getText()
        .contains("Search refused: id must be <topic>/<partition>/<entry id>, <partition>/<entry id> or an entry id "
            + "like 1700000000000-0, was 'not-an-id'"));
    assertThat(driver.findElement(By.id("dl-id")).getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(rowRefs()).hasSize(12);

    driver.findElement(By.id("dl-search-clear")).click();
    search("dl-key", IMG);
    wait.until(d -> "No dead letters match.".equals(d.findElement(By.id("no-deadletters")).getText()));
    assertThat(driver.findElement(By.id("dl-filter")).getText()).isEqualTo("Dead letters matching key = " + IMG);
    assertThat(((JavascriptExecutor) driver).executeScript("return typeof window.__xss")).isEqualTo("undefined");
    driver.findElement(By.id("dl-search-clear")).click();
    wait.until(d -> rowRefs().size() == 12);
  }

  @Test
  @Order(6)
  void replayAllMatchingSendsOneGroupsDeadLettersBackToItAfterAConfirmation() {
    new Select(driver.findElement(By.id("dl-group"))).selectByVisibleText("refunds");
    wait.until(d -> rowRefs().size() == 6);
    WebElement replayAll = driver.findElement(By.id("dl-replay-all"));
    assertThat(replayAll.getText()).isEqualTo("Replay all matching");
    refundsBroken.set(false);

    replayAll.click();
    wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
    assertThat(driver.findElement(By.id("confirm-text")).getText())
        .startsWith("Replay every dead letter of topic \"returns\" matching group = refunds?");
    driver.findElement(By.id("confirm-cancel")).click();
    assertThat(rowRefs()).as("cancelled: nothing replayed").hasSize(6);
    assertThat(refundsCalls.get()).isEqualTo(6);

    replayAll.click();
    wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
    driver.findElement(By.id("confirm-ok")).click();
    wait.until(d -> d.findElement(By.id("notices")).getText().contains("Replayed 6 dead letters."));
    wait.until(d -> rowRefs().isEmpty());
    Poll.until(Duration.ofSeconds(10), () -> refundsCalls.get() == 12, () -> "refunds handles its 6 again");

    driver.findElement(By.id("dl-search-clear")).click();
    wait.until(d -> rowRefs().size() == 6);
    assertThat(rowTexts(2)).containsOnly("audit");
    screenshot("deadletters-search.png");
  }

  /** Finds and clicks in one step of the wait, so that a row rendered anew in between is found again. */
  private void clickFresh(By what) {
    wait.until(d -> {
      d.findElement(what).click();
      return true;
    });
  }

  private void search(String input, String value) {
    WebElement field = driver.findElement(By.id(input));
    field.clear();
    field.sendKeys(value, Keys.ENTER);
  }

  private List<String> rowRefs() {
    return texts("#deadletters tr[data-ref] td:nth-child(2)");
  }

  /** The text of one column of the dead-letter rows (0-based). */
  private List<String> rowTexts(int column) {
    return texts("#deadletters tr[data-ref] td:nth-child(" + (column + 1) + ")");
  }

  /** The references the JSON API finds for a search, every page. */
  private List<String> apiRefs(String query) throws IOException, InterruptedException {
    List<String> refs = new ArrayList<>();
    String cursor = null;
    do {
      URI uri = URI.create(baseUrl + "api/topics/returns/deadletters?limit=1000&" + query
          + (cursor == null ? "" : "&cursor=" + cursor));
      JsonObject page = new JsonObject(HTTP.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      page.getJsonArray("items").forEach(o -> refs.add(((JsonObject) o).getString("ref")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return refs;
  }

  @Test
  @Order(7)
  void screenshotOfTheShop() {
    await(bus.publish(OutgoingMessage.json("shop", new JsonObject().put("order", 4711).put("amount", 1250)
        .put("currency", "EUR").put("status", "declined")).header("source", "web-shop").key("customer-42")));
    driver.findElement(By.cssSelector("#topics tr[data-topic='shop']")).click();
    wait.until(d -> !d.findElements(By.cssSelector("#deadletters tr[data-ref]")).isEmpty());
    wait.until(d -> "4".equals(d.findElement(By.id("chart-rate")).getAttribute("data-series")));
    wait.until(d -> pixelsOfColour("#chart-rate canvas", 47, 111, 222) > 50);
    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    Path file = screenshot("dashboard.png");
    assertThat(file).isNotEmptyFile();
  }

  @Test
  @Order(8)
  void aPausedGroupShowsPausedUntilItIsResumed() {
    By badge = By.cssSelector("#groups tr[data-topic='shop'][data-group='billing'] [data-field='state']");
    await(bus.admin().pauseGroup("shop", "billing"));
    try {
      wait.until(d -> "PAUSED".equals(d.findElement(badge).getAttribute("data-state")));
      assertThat(driver.findElement(badge).getText()).isEqualTo("paused");
    } finally {
      await(bus.admin().resumeGroup("shop", "billing"));
    }
    wait.until(d -> !"PAUSED".equals(d.findElement(badge).getAttribute("data-state")));
  }

  /**
   * The stream browser on topic vault: 120 JSON entries (key acct-0..4, header kind deposit or withdrawal), the first
   * one binary and held pending by a group, the newest one hostile text; paging, filters, entries opened, live tail.
   */
  @Test
  @Order(9)
  void theStreamBrowserPagesFiltersAndOpensEntriesSafely() {
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 'A', 0x1b, '<', 'b', '>'};
    io.streambus.MessageId blob = await(bus.publish(OutgoingMessage.bytes("vault",
        io.vertx.core.buffer.Buffer.buffer(bytes)).key("blob")));
    String stream = PREFIX + ":{vault:" + blob.partition() + "}";
    command(stream, "XGROUP", "CREATE", stream, "audit", "0");
    command(stream, "XREADGROUP", "GROUP", "audit", "auditor-1", "COUNT", "1", "STREAMS", stream, ">");
    for (int i = 0; i < 120; i++) {
      await(bus.publish(OutgoingMessage.json("vault", new JsonObject().put("transfer", i).put("amount", 10 * i)
          .put("currency", "EUR")).key("acct-" + i % 5).header("kind", i % 2 == 0 ? "deposit" : "withdrawal")));
    }
    String hostile = SCRIPT + " and " + IMG;
    await(bus.publish(OutgoingMessage.text("vault", hostile).key("evil-key").header("note", SVG)));

    wait.until(d -> !d.findElements(By.cssSelector("#topics tr[data-topic='vault']")).isEmpty());
    driver.findElement(By.cssSelector("#topics tr[data-topic='vault']")).click();
    By rows = By.cssSelector("#entries tr[data-entry]");
    wait.until(d -> d.findElements(rows).size() == 50);
    // entries of partitions on other servers may share a millisecond: the newest few are in id order, not in the
    // order they were published, so the hostile one is among the first rows rather than the first
    assertThat(texts("#entries tr[data-entry] td[data-field='preview']")).contains(hostile);
    clickFresh(By.id("br-more"));
    wait.until(d -> d.findElements(rows).size() == 100);
    clickFresh(By.id("br-more"));
    wait.until(d -> d.findElements(rows).size() == 122);
    wait.until(d -> !d.findElement(By.id("br-more")).isDisplayed());
    List<String> shown = texts("#entries tr[data-entry] td[data-field='ref']");
    assertThat(shown).doesNotHaveDuplicates();
    List<String> ids = shown.stream().map(r -> r.substring(r.indexOf('/') + 1)).toList();
    for (int i = 1; i < ids.size(); i++) {
      assertThat(compareIds(ids.get(i - 1), ids.get(i))).as("newest first: %s before %s", ids.get(i - 1), ids.get(i))
          .isGreaterThanOrEqualTo(0);
    }
    assertThat(texts("#entries tr[data-entry] td[data-field='key']")).contains("blob", "evil-key");

    browse("br-key", "blob");
    wait.until(d -> texts("#entries tr[data-entry] td[data-field='key']").equals(List.of("blob")));
    assertThat(texts("#entries tr[data-entry] td[data-field='preview']")).containsExactly("binary, 10 bytes");
    clickFresh(rows);
    WebElement entry = wait.until(d -> d.findElement(By.id("entry")).isDisplayed() ? d.findElement(By.id("entry"))
        : null);
    wait.until(d -> (blob.partition() + "/" + blob.value()).equals(entry.getAttribute("data-entry")));
    assertThat(entry.findElement(By.cssSelector("pre[data-field='entry-payload']")).getText())
        .startsWith("00000000  00 01 02 ff fe 41 1b 3c 62 3e").contains("|.....A.<b>|");
    assertThat(entry.findElement(By.cssSelector("[data-kind]")).getText()).contains("binary, 10 bytes");
    assertThat(entry.findElement(By.cssSelector("table[data-field='pending']")).getText())
        .contains("audit").contains("auditor-1");

    browse("br-key", "");
    browse("br-header", "kind:deposit");
    wait.until(d -> d.findElements(rows).size() == 50);
    clickFresh(By.id("br-more"));
    wait.until(d -> d.findElements(rows).size() == 60);
    assertThat(Set.copyOf(texts("#entries tr[data-entry] td[data-field='headers']"))).containsExactly("kind: deposit");

    browse("br-header", "");
    browse("br-key", "evil-key");
    wait.until(d -> d.findElements(rows).size() == 1);
    clickFresh(rows);
    wait.until(d -> "evil-key".equals(texts("#entry dd").size() > 2 ? texts("#entry dd").get(2) : null));
    assertThat(texts("#entry pre[data-field='entry-payload']")).containsExactly(hostile);
    assertThat(texts("#entry [data-kind]").get(0)).startsWith("text,");
    assertThat(texts("#entry table[data-field='entry-headers'] td")).containsExactly("note", SVG);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    assertThat(js.executeScript("return typeof window.__xss")).isEqualTo("undefined");
    assertThat(js.executeScript("return document.querySelectorAll('img, svg, iframe, object').length"))
        .isEqualTo(0L);

    browse("br-key", "");
    wait.until(d -> d.findElements(rows).size() == 50);
    clickFresh(By.id("br-live"));
    await(bus.publish(OutgoingMessage.json("vault", new JsonObject().put("transfer", 4711).put("amount", 1250)
        .put("currency", "EUR")).key("acct-live").header("kind", "deposit")));
    wait.until(d -> "acct-live".equals(texts("#entries tr[data-entry] td[data-field='key']").get(0)));
    assertThat(driver.findElements(rows)).hasSize(51);
    clickFresh(By.cssSelector("#entries tr[data-entry]"));
    wait.until(d -> texts("#entry pre[data-field='entry-payload']").stream()
        .anyMatch(t -> t.contains("\"transfer\" : 4711") && t.contains("\n")));
    clickFresh(By.id("br-live"));

    // the picture: the binary entry opened, with its holder
    browse("br-key", "blob");
    wait.until(d -> texts("#entries tr[data-entry] td[data-field='key']").equals(List.of("blob")));
    clickFresh(rows);
    wait.until(d -> texts("#entry table[data-field='pending'] td").contains("auditor-1"));
    js.executeScript("document.getElementById('br-search').scrollIntoView()");
    assertThat(screenshot("browser.png")).isNotEmptyFile();
  }

  private static int compareIds(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  private void browse(String input, String value) {
    WebElement field = driver.findElement(By.id(input));
    field.clear();
    if (!value.isEmpty()) {
      field.sendKeys(value);
    }
    driver.findElement(By.id("br-go")).click();
  }

  private Path screenshot(String name) {
    try {
      // a subclass's run (another server) keeps its own pictures
      Path dir = getClass() == BrowserTest.class ? SCREENSHOTS : SCREENSHOTS.resolve(getClass().getSimpleName());
      Files.createDirectories(dir);
      File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
      Path target = dir.resolve(name);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
