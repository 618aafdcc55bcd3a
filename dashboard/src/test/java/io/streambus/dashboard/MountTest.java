package io.streambus.dashboard;

import io.streambus.StreamBus;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A service mounts the router under its own path, next to its own routes. */
class MountTest extends DashboardTestBase {

  @Test
  void theRouterWorksUnderAServicesOwnPath() {
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    Router root = Router.router(vertx);
    root.get("/hello").handler(ctx -> ctx.end("service"));
    root.route("/bus/*").subRouter(DashboardRouter.create(vertx, bus, new DashboardOptions()));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    baseUrl = "http://127.0.0.1:" + server.actualPort();
    try {
      HttpResponse<String> bare = get("/bus");
      // vertx-web redirects a sub-router's bare mount point; the page's relative URLs need the slash.
      assertThat(bare.statusCode()).isEqualTo(301);
      assertThat(bare.headers().firstValue("Location")).hasValue("/bus/");
      assertThat(get("/bus/").body()).contains("<title>Streambus dashboard</title>");
      assertThat(get("/bus/app.js").statusCode()).isEqualTo(200);
      assertThat(get("/bus/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(200);
      awaitJson("/bus/api/topics", j -> j.getJsonArray("topics").size() == 1, "the topic through the mount");
      assertThat(get("/hello").body()).isEqualTo("service");
      assertThat(get("/app.js").statusCode()).as("nothing leaks outside the mount").isEqualTo(404);
    } finally {
      await(server.close());
    }
  }

  @Test
  void theVerticleCanShowABusItDoesNotOwnAndLeavesItOpen() {
    StreamBus bus = bus();
    await(bus.publish("orders", "x"));
    DashboardVerticle verticle = new DashboardVerticle(bus, io.streambus.app.Observability.prometheus(),
        new DashboardConfig(busOptions(), new DashboardOptions(), "127.0.0.1", 0));
    String id = await(vertx.deployVerticle(verticle));
    baseUrl = "http://127.0.0.1:" + verticle.actualPort();
    awaitJson("/api/topics", j -> j.getJsonArray("topics").size() == 1, "the shared bus's topic");
    assertThat(get("/metrics").body()).contains("jvm_memory_used_bytes");

    await(vertx.undeploy(id));

    assertThat(await(bus.publish("orders", "still open")).topic()).isEqualTo("orders");
  }
}
