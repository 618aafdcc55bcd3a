package io.streambus.demo;

import io.streambus.app.AppRunner;

import java.util.Map;

/**
 * {@code java -jar demo/target/streambus-demo.jar} (or {@code ./demo.sh}, which builds it first): the live demo.
 * Ctrl-C stops everything cleanly.
 */
public final class DemoMain {
  private DemoMain() {
  }

  public static void main(String[] args) {
    AppRunner.main("streambus-demo", args, Map.of(AppRunner.SHUTDOWN_TIMEOUT_MS, 15_000),
        (vertx, settings) -> new DemoApp(vertx, settings, System.out));
  }
}
