package io.streambus.dashboard;

import io.streambus.ConsumerOptions;
import io.streambus.Ordering;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** With ordered processing, the API and the page show which member of a group owns which partition. */
class OwnersTest extends DashboardTestBase {

  @Test
  void theApiAndThePageShowWhichMemberOwnsWhichPartition() throws Exception {
    StreamBus bus = bus(busOptions().setPartitions(2));
    ConsumerOptions ordered = new ConsumerOptions().setOrdering(Ordering.KEY).setClaimMinIdleMs(1_000)
        .setBlockMs(200);
    Subscription a = await(bus.subscribe("jobs", "g", m -> Future.succeededFuture(), ordered));
    Subscription b = await(bus.subscribe("jobs", "g", m -> Future.succeededFuture(), ordered));
    startDashboard(new DashboardOptions().setSampleIntervalMs(200));

    JsonObject topic = awaitJson("/api/topics/jobs", j -> owners(j).size() == 2
        && !owners(j).get("0").equals(owners(j).get("1")), "each of the two members owns one partition");
    assertThat(owners(topic).values()).containsExactlyInAnyOrder(a.consumerName(), b.consumerName());

    WebDriver driver = chrome();
    try {
      driver.get(baseUrl);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
      wait.until(d -> !d.findElements(By.cssSelector("#topics tr[data-topic='jobs']")).isEmpty());
      driver.findElement(By.cssSelector("#topics tr[data-topic='jobs']")).click();
      Map<String, String> expected = new TreeMap<>();
      owners(topic).forEach((partition, owner) -> expected.put(owner, partition));
      // the box is drawn anew at every sample: read it in one script run, so that no element goes stale mid-way
      Map<String, String> shown = new TreeMap<>();
      wait.until(d -> {
        shown.clear();
        @SuppressWarnings("unchecked")
        Map<String, String> now = (Map<String, String>) ((JavascriptExecutor) d).executeScript("""
            const out = {};
            document.querySelectorAll('#consumers tr[data-consumer]').forEach((r) => {
              const owns = r.querySelector('[data-field=owns]');
              out[r.dataset.consumer] = owns ? owns.textContent : null;
            });
            return out;""");
        shown.putAll(now);
        return shown.equals(expected);
      });
      assertThat(shown).isEqualTo(expected);
      assertThat(driver.findElement(By.id("consumers")).getText()).contains("Owns partitions", "ordered");
    } finally {
      driver.quit();
    }
  }

  private static Map<String, String> owners(JsonObject topic) {
    Map<String, String> out = new TreeMap<>();
    JsonObject owners = topic.getJsonArray("groups").getJsonObject(0).getJsonObject("owners");
    if (owners != null) {
      owners.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }

  private static WebDriver chrome() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createTempDirectory("streambus-chromium").toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
