package io.streambus.consumers.handlers;

import io.streambus.BusException;
import io.streambus.Message;
import io.streambus.MessageHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Pretends to do work, for demos and tests: waits {@code latencyMs ± jitterMs}, then fails with probability
 * {@code failureRate} (a retryable failure). With probability {@code stallRate} it instead takes {@code stallMs}
 * (longer than the claim idle time, so peers reclaim the message meanwhile). A JSON payload with
 * {@code "poison": true} always fails, so it ends in the dead-letter stream after the delivery limit.
 */
public final class SimulateHandler implements MessageHandler {
  private final Vertx vertx;
  private final long latencyMs;
  private final long jitterMs;
  private final double failureRate;
  private final double stallRate;
  private final long stallMs;

  public SimulateHandler(Vertx vertx, long latencyMs, long jitterMs, double failureRate, double stallRate,
                         long stallMs) {
    this.vertx = vertx;
    this.latencyMs = latencyMs;
    this.jitterMs = jitterMs;
    this.failureRate = failureRate;
    this.stallRate = stallRate;
    this.stallMs = stallMs;
  }

  @Override
  public Future<Void> handle(Message message) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean stall = stallRate > 0 && random.nextDouble() < stallRate;
    long delay = stall ? stallMs : Math.max(0, latencyMs + (jitterMs == 0 ? 0 : random.nextLong(-jitterMs, jitterMs)));
    boolean fail = isPoison(message) || failureRate > 0 && random.nextDouble() < failureRate;
    Promise<Void> done = Promise.promise();
    Runnable finish = () -> {
      if (fail) {
        done.fail(new BusException(isPoison(message) ? "simulated poison message" : "simulated failure"));
      } else {
        done.complete();
      }
    };
    if (delay == 0) {
      finish.run();
    } else {
      vertx.setTimer(delay, id -> finish.run());
    }
    return done.future();
  }

  private static boolean isPoison(Message m) {
    if (m.isForeign() || m.contentType() == null || !m.contentType().startsWith("application/json")) {
      return false;
    }
    try {
      return m.jsonValue() instanceof JsonObject json && json.getBoolean("poison", false);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
