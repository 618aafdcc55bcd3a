package io.streambus.impl.consume;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** One periodic job of a subscription: a tick every period, skipped while the previous one still runs. */
final class Periodic {
  /** The job: one tick, whose future says when it is done. */
  interface Job {
    Future<?> tick();
  }

  private final Vertx vertx;
  private final long periodMs;
  private final Job job;
  private long timer = -1;
  private boolean running;
  private boolean stopped;

  Periodic(Vertx vertx, long periodMs, Job job) {
    this.vertx = vertx;
    this.periodMs = periodMs;
    this.job = job;
  }

  void start() {
    timer = vertx.setPeriodic(periodMs, t -> runNow());
  }

  /** Runs the job now unless it is running or stopped. */
  void runNow() {
    if (stopped || running) {
      return;
    }
    running = true;
    Future<?> f;
    try {
      f = job.tick();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> running = false);
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
