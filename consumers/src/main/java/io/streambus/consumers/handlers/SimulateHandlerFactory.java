package io.streambus.consumers.handlers;

import io.streambus.MessageHandler;
import io.streambus.app.Settings;
import io.streambus.consumers.spi.HandlerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * {@code BUS_HANDLER=simulate}: a {@link SimulateHandler} configured by {@value #LATENCY_MS} (default 0),
 * {@value #JITTER_MS} (0), {@value #FAILURE_RATE} (0..1, default 0), {@value #STALL_RATE} (0..1, default 0) and
 * {@value #STALL_MS} (default 60000).
 */
public final class SimulateHandlerFactory implements HandlerFactory {
  public static final String LATENCY_MS = "BUS_SIMULATE_LATENCY_MS";
  public static final String JITTER_MS = "BUS_SIMULATE_JITTER_MS";
  public static final String FAILURE_RATE = "BUS_SIMULATE_FAILURE_RATE";
  public static final String STALL_RATE = "BUS_SIMULATE_STALL_RATE";
  public static final String STALL_MS = "BUS_SIMULATE_STALL_MS";

  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public MessageHandler create(Vertx vertx, JsonObject config) {
    Settings s = new Settings(config);
    return new SimulateHandler(vertx,
        s.longValue(LATENCY_MS, 0, 0, 3_600_000),
        s.longValue(JITTER_MS, 0, 0, 3_600_000),
        s.decimal(FAILURE_RATE, 0, 0, 1),
        s.decimal(STALL_RATE, 0, 0, 1),
        s.longValue(STALL_MS, 60_000, 0, 3_600_000));
  }

  @Override
  public Set<String> settingNames() {
    return Set.of(LATENCY_MS, JITTER_MS, FAILURE_RATE, STALL_RATE, STALL_MS);
  }
}
