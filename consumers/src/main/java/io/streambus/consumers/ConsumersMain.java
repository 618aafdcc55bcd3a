package io.streambus.consumers;

import io.streambus.app.AppRunner;

import java.util.Map;

/** {@code java -jar streambus-consumers.jar [--config file]}: see {@link ConsumersApp} and docs/operations.md. */
public final class ConsumersMain {
  private ConsumersMain() {
  }

  public static void main(String[] args) {
    AppRunner.main("streambus-consumers", args, Map.of(), ConsumersApp::new);
  }
}
