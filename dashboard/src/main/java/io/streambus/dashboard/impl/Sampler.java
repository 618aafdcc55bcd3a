package io.streambus.dashboard.impl;

import io.streambus.admin.BusAdmin;
import io.streambus.admin.TopicStats;
import io.streambus.dashboard.DashboardOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one poller of Redis behind a dashboard: every interval it reads {@link BusAdmin#snapshot()} (all topics, all
 * partitions, all groups, dead-letter lengths), derives rates and states, keeps the history and hands the sample to
 * its listeners. However many browsers watch, Redis sees one snapshot per interval.
 *
 * <p>Runs on the context that {@link #start()} is called on; its periodic timer is cancelled with that context's
 * verticle, or by {@link #stop()}. {@link #latest()} and {@link #history()} may be read from any thread.
 */
public final class Sampler {
  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  private final Vertx vertx;
  private final BusAdmin admin;
  private final DashboardOptions options;
  private final History history;
  private final Map<String, TopicTracker> trackers = new HashMap<>();
  private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();
  private volatile Sample latest;
  private Context context;
  private long timerId = -1;
  private boolean inFlight;

  public Sampler(Vertx vertx, BusAdmin admin, DashboardOptions options) {
    this.vertx = vertx;
    this.admin = admin;
    this.options = options;
    this.history = new History((int) Math.max(2, options.getHistorySeconds() * 1000L / options.getSampleIntervalMs()));
    this.latest = Sample.empty(options.getSampleIntervalMs());
  }

  /** Takes a first sample now and then one per interval. */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      tick();
      timerId = vertx.setPeriodic(options.getSampleIntervalMs(), id -> tick());
    });
  }

  public void stop() {
    if (context != null) {
      context.runOnContext(v -> vertx.cancelTimer(timerId));
    }
  }

  /** The newest sample (an empty one before the first). */
  public Sample latest() {
    return latest;
  }

  public History history() {
    return history;
  }

  /** Calls {@code listener} with every new sample, on the sampler's context; it must not block. */
  public void onSample(Consumer<Sample> listener) {
    listeners.add(listener);
  }

  private void tick() {
    // A slow Redis must not pile up snapshots: skip a tick rather than overlap.
    if (inFlight) {
      return;
    }
    inFlight = true;
    admin.snapshot().onComplete(ar -> context.runOnContext(v -> completed(ar)));
  }

  private void completed(AsyncResult<List<TopicStats>> ar) {
    inFlight = false;
    Sample previous = latest;
    Sample next;
    if (ar.succeeded()) {
      if (previous.error() != null) {
        LOG.info("Sampling the bus works again");
      }
      next = derive(previous.seq() + 1, ar.result());
      history.add(next);
    } else {
      if (previous.error() == null) {
        LOG.warn("Sampling the bus failed: {}", ar.cause().toString());
      }
      next = previous.failed(String.valueOf(ar.cause().getMessage()), System.currentTimeMillis());
    }
    latest = next;
    listeners.forEach(l -> l.accept(next));
  }

  private Sample derive(long seq, List<TopicStats> topics) {
    List<TopicSample> out = new ArrayList<>();
    long sampledAt = System.currentTimeMillis();
    for (TopicStats t : topics) {
      TopicTracker tracker = trackers.computeIfAbsent(t.topic(),
          n -> new TopicTracker(options.getTrendSamples(), options.getSampleIntervalMs()));
      out.add(tracker.next(t));
      sampledAt = Math.min(sampledAt, t.sampledAt());
    }
    trackers.keySet().retainAll(topics.stream().map(TopicStats::topic).toList());
    return new Sample(seq, sampledAt, options.getSampleIntervalMs(), out, null, 0);
  }
}
