package io.streambus.producers;

import io.streambus.OutgoingMessage;
import io.streambus.StreamBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes generated JSON messages at a steady rate for a count or a duration (or until stopped), and logs progress.
 * Each payload is {@code {"seq", "topic", "key", "sentAt", "poison", "pad"}}; {@code seq} counts from 0 over all
 * topics, so a receiver can detect loss and duplicates. A failed publish is counted and logged, not retried.
 *
 * <p>The rate is kept by a 10 ms tick that publishes what is due since the start (catching up after a slow tick),
 * never more than {@link LoadGeneratorConfig#maxInFlight()} at once. Stopping waits for publishes in flight.
 */
public final class LoadGeneratorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGeneratorVerticle.class);
  private static final long TICK_MS = 10;

  private final StreamBus bus;
  private final LoadGeneratorConfig config;
  private final Promise<Long> done = Promise.promise();
  private final String pad;
  private long startedNanos;
  private long sent;
  private long succeeded;
  private long failed;
  private int inFlight;
  private boolean stopping;
  private long tickTimer = -1;
  private long progressTimer = -1;
  private long lastProgressSent;
  private Promise<Void> drained;

  public LoadGeneratorVerticle(StreamBus bus, LoadGeneratorConfig config) {
    this.bus = bus;
    this.config = config;
    this.pad = "x".repeat(Math.max(0, config.payloadBytes() - 120));
  }

  /** Completes with the number of messages stored once the count or duration is reached and all publishes ended. */
  public Future<Long> done() {
    return done.future();
  }

  @Override
  public Future<?> start() {
    startedNanos = System.nanoTime();
    tickTimer = vertx.setPeriodic(TICK_MS, id -> pump());
    progressTimer = vertx.setPeriodic(config.progressMs(), id -> logProgress());
    LOG.info("load generator: {} msg/s to {} (count {}, duration {} ms, {} B payloads, {} keys, poison ratio {})",
        config.ratePerSecond() == 0 ? "unthrottled" : config.ratePerSecond(), config.topics(),
        config.count() == 0 ? "unlimited" : config.count(),
        config.durationMs() == 0 ? "unlimited" : config.durationMs(), config.payloadBytes(), config.keys(),
        config.poisonRatio());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    cancelTimers();
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    return drained.future();
  }

  private void pump() {
    long due = limitReached() ? sent : dueByRate();
    while (!stopping && sent < due && inFlight < config.maxInFlight()) {
      publishOne(sent++);
    }
    finishIfDone();
  }

  private long dueByRate() {
    long limit = config.count() == 0 ? Long.MAX_VALUE : config.count();
    if (config.ratePerSecond() == 0) {
      return limit;
    }
    double elapsedSeconds = (System.nanoTime() - startedNanos) / 1e9;
    return Math.min(limit, (long) (elapsedSeconds * config.ratePerSecond()));
  }

  private boolean limitReached() {
    boolean countReached = config.count() > 0 && sent >= config.count();
    boolean timeUp = config.durationMs() > 0 && System.nanoTime() - startedNanos >= config.durationMs() * 1_000_000;
    return countReached || timeUp;
  }

  private void publishOne(long seq) {
    inFlight++;
    bus.publish(message(seq)).onComplete(ok -> {
      succeeded++;
      completed();
    }, err -> {
      failed++;
      if (failed == 1 || failed % 1_000 == 0) {
        LOG.warn("load generator: publish failed ({} failures so far): {}", failed, err.toString());
      }
      completed();
    });
  }

  private OutgoingMessage message(long seq) {
    String topic = config.topics().get((int) (seq % config.topics().size()));
    String key = config.keys() == 0 ? null : "key-" + (seq % config.keys());
    boolean poison = config.poisonRatio() > 0 && ThreadLocalRandom.current().nextDouble() < config.poisonRatio();
    // an amount, so that a read model (the demo's revenue per customer) has something to add up
    JsonObject payload = new JsonObject().put("seq", seq).put("topic", topic).put("key", key)
        .put("amount", 1 + ThreadLocalRandom.current().nextInt(500))
        .put("sentAt", System.currentTimeMillis()).put("poison", poison).put("pad", pad);
    return OutgoingMessage.json(topic, payload).key(key);
  }

  private void completed() {
    inFlight--;
    if (stopping && inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
    if (config.ratePerSecond() == 0 && !stopping) {
      pump();
    } else {
      finishIfDone();
    }
  }

  private void finishIfDone() {
    if (limitReached() && inFlight == 0 && !done.future().isComplete()) {
      cancelTimers();
      logProgress();
      LOG.info("load generator done: {} stored, {} failed", succeeded, failed);
      done.tryComplete(succeeded);
    }
  }

  private void logProgress() {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    LOG.info("load generator: sent {} ({} stored, {} failed, {} in flight) in {} s, {} msg/s recent", sent,
        succeeded, failed, inFlight, Math.round(seconds),
        Math.round((sent - lastProgressSent) * 1000.0 / config.progressMs()));
    lastProgressSent = sent;
  }

  private void cancelTimers() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(progressTimer);
  }
}
