package io.streambus.demo.docs;

import io.streambus.BusOptions;
import io.streambus.ConnectionOptions;
import io.streambus.ConsumerOptions;
import io.streambus.CredentialsProvider;
import io.streambus.MessageId;
import io.streambus.Ordering;
import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.TopicOptions;
import io.streambus.dashboard.DashboardOptions;
import io.streambus.dashboard.DashboardRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * The code snippets of docs/*.md, compiled here and run by {@link DocSnippetsTest}; each doc shows exactly the text
 * between a {@code // doc:<file>:<name>} line and the next {@code // doc:end} (whitespace aside).
 */
final class DocSnippets {
  private DocSnippets() {
  }

  static BusOptions cluster() {
    // doc:scaling.md:cluster
    BusOptions options = new BusOptions()
        .setConnection(new ConnectionOptions()
            .setTopology(BusOptions.Topology.CLUSTER)
            .setConnectionStrings(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000", "redis://10.0.0.3:7000")))
        .setTopics(new TopicOptions().setPartitions(6));   // or setTopicPartitions(Map.of("orders", 12))
    // doc:end
    return options;
  }

  static BusOptions sentinel() {
    // doc:scaling.md:sentinel
    BusOptions options = new BusOptions()
        .setConnection(new ConnectionOptions()
            .setTopology(BusOptions.Topology.SENTINEL)
            .setConnectionStrings(List.of("redis://10.0.0.1:26379", "redis://10.0.0.2:26379", "redis://10.0.0.3:26379"))
            .setSentinelMasterName("mymaster"));
    // doc:end
    return options;
  }

  static BusOptions tls() {
    ConnectionOptions connection =
    // doc:security.md:tls
    new ConnectionOptions()
        .setConnectionString("rediss://producer:secret@redis.internal:6380")
        .setTlsCaPemPath("/etc/streambus/ca.crt")       // CA that signed Redis's certificate; default: the JVM's CAs
        .setTlsCertPemPath("/etc/streambus/client.crt") // client certificate, for tls-auth-clients yes
        .setTlsKeyPemPath("/etc/streambus/client.key")  // its private key (PKCS#8 or PKCS#1 PEM)
        .setTlsVerifyHostname(true);                    // default: the certificate must name the host
    // doc:end
    return new BusOptions().setConnection(connection);
  }

  /** Signs IAM authentication tokens (in a real service: SigV4-presigned, with the AWS SDK's signer). */
  interface IamTokens {
    String sign();
  }

  static ConnectionOptions iam(IamTokens iamTokens) {
    // doc:managed-redis.md:iam
    ConnectionOptions connection = new ConnectionOptions()
        .setTopology(BusOptions.Topology.CLUSTER)
        .setConnectionString("rediss://clustercfg.orders.abc123.use1.cache.amazonaws.com:6379")
        .setCredentialsProvider(() -> Future.succeededFuture(
            new CredentialsProvider.Credentials("orders-app", iamTokens.sign())));   // a fresh token per connect
    // doc:end
    return connection;
  }

  static Future<Subscription> projection(StreamBus bus) {
    // doc:operations.md:projection
    return bus.project("orders", "revenue-v1", (message, writes) -> {
      JsonObject order = message.json();
      writes.hincrby(writes.key("revenue-v1"), message.key(), order.getLong("cents"))   // per customer
            .sadd(writes.key("customers-v1"), message.key());
      return Future.succeededFuture();
    }, new ConsumerOptions().setOrdering(Ordering.NONE));   // increments commute; use KEY for a SET of the latest state
    // doc:end
  }

  static Future<MessageId> idempotentPublish(StreamBus bus, JsonObject payment, String requestId) {
    return
    // doc:operations.md:idempotent
    bus.publish(OutgoingMessage.json("payments", payment).idempotencyKey("payment-" + requestId));
    // doc:end
  }

  static Future<HttpServer> mountedDashboard(Vertx vertx, BusOptions busOptions, int port) {
    // doc:dashboard.md:mount
    StreamBus bus = StreamBus.create(vertx, busOptions);
    Router root = Router.router(vertx);
    root.route("/bus/*").subRouter(DashboardRouter.create(vertx, bus,
        new DashboardOptions().setMutationToken(System.getenv("BUS_DASHBOARD_TOKEN"))));
    return vertx.createHttpServer().requestHandler(root).listen(port);
    // the page is at /bus/ (vertx-web redirects /bus there); the API at /bus/api/...
    // doc:end
  }

}
