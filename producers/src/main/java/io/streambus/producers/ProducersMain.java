package io.streambus.producers;

import io.streambus.app.AppRunner;

import java.util.Map;

/** {@code java -jar streambus-producers.jar [--config file]}: see {@link ProducersApp} and docs/operations.md. */
public final class ProducersMain {
  private ProducersMain() {
  }

  public static void main(String[] args) {
    AppRunner.main("streambus-producers", args, Map.of(), ProducersApp::new);
  }
}
