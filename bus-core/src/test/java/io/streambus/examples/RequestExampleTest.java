package io.streambus.examples;

import io.streambus.BusException;
import io.streambus.BusTestBase;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/requests.md runs, and the page shows exactly its code. */
class RequestExampleTest extends BusTestBase {

  @Test
  void theExampleRunsAgainstARealRedis() {
    StreamBus bus = bus(busOptions().setKeyPrefix("example-" + topic));
    assertThat(await(RequestExample.price(bus, "A-1"))).as("no responder yet").isEqualTo(-1L);
    Subscription pricing = await(RequestExample.pricing(bus));
    assertThat(await(RequestExample.price(bus, "A-1"))).isEqualTo(300L);
    Throwable e = awaitFailure(bus.request(OutgoingMessage.json("prices", new io.vertx.core.json.JsonObject()), 5_000));
    assertThat(e).isInstanceOf(BusException.RequestFailed.class).hasMessageContaining("no sku");
    assertThat(((BusException.RequestFailed) e).kind()).isEqualTo(BusException.RequestFailed.Kind.RESPONDER_FAILED);
    await(pricing.close());
  }

  @Test
  void theDocShowsTheCompiledCode() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/streambus/examples/RequestExample.java"));
    String doc = Files.readString(Path.of("../docs/requests.md"));
    for (String part : new String[] {"responder", "requester"}) {
      String start = "// request:" + part + ":start";
      String region = source.substring(source.indexOf(start) + start.length(),
          source.indexOf("  // request:" + part + ":end"));
      assertThat(normalize(doc)).as(part).contains(normalize(region));
    }
  }

  private static String normalize(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }
}
