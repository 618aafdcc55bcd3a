package io.streambus.dashboard;

import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream browser's API: pages newest first over the partitions, filters, one entry opened, bounded reads. */
class StreamBrowserApiTest extends DashboardTestBase {
  private static final String TOPIC = "orders";
  private static final String ENTRIES = "/api/topics/" + TOPIC + "/entries";

  private static final Comparator<MessageId> NEWEST_FIRST = Comparator
      .comparing((MessageId m) -> m.timestamp()).thenComparing(m -> Long.parseLong(m.value().split("-")[1]))
      .reversed().thenComparing(MessageId::partition);

  private List<MessageId> publish(StreamBus bus, int n) {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(await(bus.publish(OutgoingMessage.text(TOPIC, "m" + i).key("customer-" + i % 4)
          .header("source", i % 3 == 0 ? "web" : "app"))));
    }
    return ids;
  }

  /** Every page of a browse, followed to its end; asserts each page's size bound. */
  private List<String> browse(String query, int limit) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 1000; pages++) {
      JsonObject page = getJson(ENTRIES + "?limit=" + limit + query
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      JsonArray items = page.getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(limit);
      items.forEach(o -> seen.add(((JsonObject) o).getInteger("partition") + "/" + ((JsonObject) o).getString("id")));
      cursor = page.getString("nextCursor");
      if (cursor == null) {
        return seen;
      }
    }
    throw new AssertionError("no end after 1000 pages");
  }

  private static List<String> refs(List<MessageId> ids) {
    return ids.stream().sorted(NEWEST_FIRST).map(m -> m.partition() + "/" + m.value()).toList();
  }

  @Test
  void pagesThroughEveryPartitionNewestFirstAndFilters() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 3)));
    List<MessageId> ids = publish(bus, 30);
    startDashboard(new io.streambus.dashboard.DashboardOptions());

    assertThat(browse("", 7)).containsExactlyElementsOf(refs(ids));
    List<MessageId> ofOne = ids.stream().filter(m -> m.partition() == 1).toList();
    assertThat(browse("&partition=1", 4)).containsExactlyElementsOf(refs(ofOne));
    List<MessageId> keyed = new ArrayList<>();
    List<MessageId> web = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (i % 4 == 2) {
        keyed.add(ids.get(i));
      }
      if (i % 3 == 0) {
        web.add(ids.get(i));
      }
    }
    assertThat(browse("&key=customer-2", 3)).containsExactlyElementsOf(refs(keyed));
    assertThat(browse("&header=source:web", 5)).containsExactlyElementsOf(refs(web));
    assertThat(browse("&header=source", 50)).hasSize(30);
    assertThat(browse("&header=source:mobile", 50)).isEmpty();
    long since = ids.get(10).timestamp();
    long until = ids.get(20).timestamp();
    List<MessageId> window = ids.stream().filter(m -> m.timestamp() >= since && m.timestamp() <= until).toList();
    assertThat(browse("&since=" + since + "&until=" + until, 4)).containsExactlyElementsOf(refs(window));
    assertThat(browse("&until=" + java.time.Instant.ofEpochMilli(until), 50))
        .containsExactlyElementsOf(refs(ids.stream().filter(m -> m.timestamp() <= until).toList()));

    JsonObject first = getJson(ENTRIES + "?limit=1").getJsonArray("items").getJsonObject(0);
    MessageId newest = ids.stream().sorted(NEWEST_FIRST).findFirst().orElseThrow();
    assertThat(first.getString("id")).isEqualTo(newest.value());
    assertThat(first.getString("key")).isEqualTo("customer-" + 29 % 4);
    assertThat(first.getJsonObject("headers").getString("source")).isEqualTo("app");
    assertThat(first.getString("preview")).isEqualTo("m29");
    assertThat(first.getInteger("size")).isEqualTo(3);

    assertBad(ENTRIES + "?partition=3", "partition", "partition must be 0..2");
    assertBad(ENTRIES + "?cursor=yesterday", "cursor", "cursor must be");
    assertBad(ENTRIES + "?since=monday", "since", "since must be epoch millis or an ISO-8601 instant");
    assertBad(ENTRIES + "?limit=201", "limit", "limit must be an integer in 1..200");
    assertBad(ENTRIES + "?kye=x", "kye", "unknown parameter 'kye'");
    assertThat(get("/api/topics/nothing/entries").statusCode()).isEqualTo(404);
  }

  private void assertBad(String path, String parameter, String message) {
    var r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("parameter")).isEqualTo(parameter);
    assertThat(body.getString("error")).contains(message);
  }

  @Test
  void anEntryOpensWithItsPayloadShownSafelyAndWhoHoldsIt() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 1)));
    byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 'A', 0x1b, '<'};
    MessageId binary = await(bus.publish(OutgoingMessage.bytes(TOPIC, Buffer.buffer(bytes)).key("bin")));
    String hostile = "<img src=x onerror=\"alert(1)\"></pre><script>alert(2)</script>";
    MessageId text = await(bus.publish(OutgoingMessage.text(TOPIC, hostile).header("x-evil", "<b>bold</b>")));
    MessageId json = await(bus.publish(TOPIC, new JsonObject().put("order", 7).put("items", new JsonArray().add("a"))));
    String stream = stream(TOPIC, 0);
    redis.command("XGROUP", "CREATE", stream, "billing", "0");
    redis.command("XREADGROUP", "GROUP", "billing", "worker-1", "COUNT", "1", "STREAMS", stream, ">");
    redis.command("XCLAIM", stream, "billing", "worker-2", "0", binary.value());
    startDashboard(new io.streambus.dashboard.DashboardOptions());

    JsonObject b = getJson(ENTRIES + "/0/" + binary.value());
    assertThat(b.getJsonObject("payload").getString("kind")).isEqualTo("binary");
    assertThat(b.getJsonObject("payload").getInteger("size")).isEqualTo(8);
    assertThat(b.getJsonObject("payload").getString("text"))
        .startsWith("00000000  00 01 02 ff fe 41 1b 3c").contains("|.....A.<|");
    assertThat(b.getJsonArray("pending")).hasSize(1);
    JsonObject holder = b.getJsonArray("pending").getJsonObject(0);
    assertThat(holder.getString("group")).isEqualTo("billing");
    assertThat(holder.getString("consumer")).isEqualTo("worker-2");
    assertThat(holder.getLong("deliveries")).isEqualTo(2);
    assertThat(b.getString("key")).isEqualTo("bin");

    JsonObject t = getJson(ENTRIES + "/0/" + text.value());
    assertThat(t.getJsonObject("payload").getString("kind")).isEqualTo("text");
    assertThat(t.getJsonObject("payload").getString("text")).isEqualTo(hostile);
    assertThat(t.getJsonObject("headers").getString("x-evil")).isEqualTo("<b>bold</b>");
    assertThat(t.getJsonArray("pending")).isEmpty();

    JsonObject j = getJson(ENTRIES + "/0/" + json.value());
    assertThat(j.getJsonObject("payload").getString("kind")).isEqualTo("json");
    assertThat(j.getJsonObject("payload").getString("text")).contains("\n").contains("\"order\" : 7");
    assertThat(j.getJsonArray("fields").stream().map(f -> ((JsonObject) f).getString("name")))
        .contains("content-type");
    assertThat(getJson(ENTRIES).getJsonArray("items").getJsonObject(2).getString("preview"))
        .isEqualTo("binary, 8 bytes");

    assertThat(get(ENTRIES + "/0/1-1").statusCode()).isEqualTo(404);
    assertThat(get(ENTRIES + "/5/1-1").statusCode()).isEqualTo(400);
  }

  /**
   * Pages of a rare key over three partitions of 8,000 entries each: every page stops at the scan limit, and the
   * pages together still hold every match exactly once, newest first (the frontier across partitions).
   */
  @Test
  void aFilteredBrowseThatHitsTheScanLimitStillFindsEveryMatchInOrder() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 3)));
    for (int p = 0; p < 3; p++) {
      redis.command("XADD", stream(TOPIC, p), "*", "payload", "seed", "key", "other");
    }
    await(bus.publish(OutgoingMessage.text(TOPIC, "registers the topic")));
    // interleaved by time: each script adds to all three partitions, one entry of each (at 700, 1400, 2100: never on
    // partition 2) with the needle key
    String script = "for i = 1, 2000 do for p = 1, 3 do local k = 'k' .. i if i == 700 * p then k = 'needle' "
        + "end redis.call('XADD', KEYS[p], '*', 'payload', 'e' .. i, 'key', k) end end";
    for (int round = 0; round < 4; round++) {
      redis.command("EVAL", script, "3", stream(TOPIC, 0), stream(TOPIC, 1), stream(TOPIC, 2));
    }
    List<MessageId> needles = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      String after = null;
      while (true) {
        List<io.streambus.admin.StreamEntry> page = await(bus.admin().read(TOPIC, p, after, 1000));
        if (page.isEmpty()) {
          break;
        }
        page.stream().filter(e -> "needle".equals(e.key())).forEach(e -> needles.add(e.messageId()));
        after = page.get(page.size() - 1).id();
      }
    }
    assertThat(needles).hasSize(8);
    startDashboard(new io.streambus.dashboard.DashboardOptions());

    JsonObject first = getJson(ENTRIES + "?limit=5&key=needle");
    assertThat(first.getInteger("scanned")).isBetween(9_990, 10_000);
    assertThat(first.getJsonArray("items").size()).isLessThan(5);
    assertThat(first.getString("nextCursor")).endsWith(":*");
    assertThat(browse("&key=needle", 5)).containsExactlyElementsOf(refs(needles));
    assertThat(browse("&key=needle&partition=1", 50))
        .containsExactlyElementsOf(refs(needles.stream().filter(m -> m.partition() == 1).toList()));
    assertThat(browse("&key=needle&partition=2", 50)).isEmpty();
  }

  @Test
  void readingEntriesFollowsTheReadToken() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 1)));
    MessageId id = await(bus.publish(OutgoingMessage.text(TOPIC, "secret")));
    startDashboard(new io.streambus.dashboard.DashboardOptions().setReadToken("reader-0123456789")
        .setMutationToken("writer-0123456789"));
    String one = ENTRIES + "/0/" + id.value();
    for (String path : List.of(ENTRIES, one)) {
      assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(401);
      assertThat(send("GET", path, "wrong-0123456789").statusCode()).as(path).isEqualTo(403);
      assertThat(send("GET", path, "reader-0123456789").statusCode()).as(path).isEqualTo(200);
      assertThat(send("GET", path, "writer-0123456789").statusCode()).as(path).isEqualTo(200);
      // reads only: no other method is routed
      assertThat(send("DELETE", path, "writer-0123456789").statusCode()).as(path).isEqualTo(404);
    }
    assertThat(new JsonObject(send("GET", one, "reader-0123456789").body()).getJsonObject("payload")
        .getString("text")).isEqualTo("secret");
  }

  /**
   * A million entries in one partition: the first page and a filtered page read a bounded number of them. Figures
   * are printed, not asserted (no timed tests); the bound is asserted through the scanned count.
   */
  @Test
  void aMillionEntryStreamStaysFast() {
    StreamBus bus = bus(busOptions().setTopicPartitions(Map.of(TOPIC, 1)));
    await(bus.publish(OutgoingMessage.text(TOPIC, "first").key("needle")));
    String stream = stream(TOPIC, 0);
    long fill = System.nanoTime();
    // ten scripts of 100,000 XADDs each, so Redis serves others in between; every 50,000th entry has the needle key
    String script = "for i = 1, 100000 do local k = 'k' .. (i % 1000) if i % 50000 == 0 then k = 'needle' end "
        + "redis.call('XADD', KEYS[1], '*', 'payload', 'entry ' .. i, 'content-type', 'text/plain', 'key', k) end";
    for (int round = 0; round < 10; round++) {
      redis.command("EVAL", script, "1", stream);
    }
    long fillMs = (System.nanoTime() - fill) / 1_000_000;
    assertThat(redis.command("XLEN", stream)).isEqualTo("1000001");
    startDashboard(new io.streambus.dashboard.DashboardOptions());
    getJson(ENTRIES + "?limit=1"); // warms the JIT and the connection

    long t0 = System.nanoTime();
    JsonObject page = getJson(ENTRIES + "?limit=50");
    long firstMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(page.getJsonArray("items")).hasSize(50);
    assertThat(page.getInteger("scanned")).isEqualTo(50);

    long t1 = System.nanoTime();
    JsonObject filtered = getJson(ENTRIES + "?limit=50&key=needle");
    long filteredMs = (System.nanoTime() - t1) / 1_000_000;
    assertThat(filtered.getInteger("scanned")).isEqualTo(10_000);
    assertThat(filtered.getString("nextCursor")).isNotNull();

    long t2 = System.nanoTime();
    String cursor = URLEncoder.encode(filtered.getString("nextCursor"), StandardCharsets.UTF_8);
    JsonObject deep = getJson(ENTRIES + "?limit=50&key=needle&cursor=" + cursor);
    long deepMs = (System.nanoTime() - t2) / 1_000_000;
    assertThat(deep.getInteger("scanned")).isEqualTo(10_000);

    System.out.printf("stream browser on %,d entries in one partition (filled in %,d ms): first page of 50: %d ms; "
        + "a page filtered by key (10,000 entries scanned, %d matches): %d ms; the next filtered page: %d ms%n",
        1_000_001, fillMs, firstMs, filtered.getJsonArray("items").size(), filteredMs, deepMs);
  }
}
