package io.streambus;

import io.vertx.core.Vertx;

/**
 * A requesting process for {@link RequestProcessTest}: sends {@code <count>} requests to {@code <topic>} with a reply
 * stream time to live of {@code <replyTtlMs>}, and waits (to be killed). Arguments: redis url, topic, reply TTL, count.
 */
public final class RequestRequesterMain {
  private RequestRequesterMain() {
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    BusOptions options = new BusOptions().setConnectionString(args[0]).setKeyPrefix("test").setPublishTimeoutMs(30_000);
    options.getRequests().setReplyTtlMs(Long.parseLong(args[2]));
    StreamBus bus = StreamBus.create(vertx, options);
    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
      bus.request(OutgoingMessage.text(args[1], "q" + i), 60_000)
          .onComplete(ar -> System.out.println("COMPLETED " + ar));
    }
  }
}
