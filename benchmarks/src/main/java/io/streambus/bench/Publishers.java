package io.streambus.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;

/** The ways a run publishes: as fast as a bounded window (of messages or of batches) allows, or paced at a rate. */
final class Publishers {
  private Publishers() {
  }

  /** What a publisher did: when it started and ended ({@link System#nanoTime()}), failures, publish latencies. */
  record Outcome(long startNs, long endNs, long published, long failed, String firstError, Histogram publishLatency) {
    double perSecond() {
      return published * 1e9 / Math.max(1, endNs - startNs);
    }
  }

  /**
   * Keeps {@code window} publishes in flight until {@code total} are done; each completion issues the next. Runs on
   * {@code context}; the result completes when the last publish is answered.
   */
  static CompletableFuture<Outcome> closedLoop(Context context, Subject subject, Payloads payloads, long total,
                                               int window) {
    return new Base(context, subject, payloads, total) {
      @Override
      void begin() {
        fill(window);
      }

      @Override
      void onDone() {
        fill(window);
      }
    }.run();
  }

  /**
   * Keeps {@code inFlight} calls of {@link Subject#publishAll} with {@code batchSize} messages each (the last one
   * fewer) in flight until {@code total} messages are done; each completion issues the next. Runs on {@code context}.
   */
  static CompletableFuture<Outcome> batched(Context context, Subject subject, Payloads payloads, long total,
                                            int batchSize, int inFlight) {
    BatchLoop loop = new BatchLoop(subject, payloads, total, batchSize, inFlight);
    context.runOnContext(v -> loop.begin());
    return loop.result;
  }

  /**
   * Publishes {@code total} messages at {@code ratePerSecond}: every millisecond, all messages whose turn has come.
   * Runs on {@code context}.
   */
  static CompletableFuture<Outcome> paced(Context context, Subject subject, Payloads payloads, long total,
                                          int ratePerSecond) {
    return new Base(context, subject, payloads, total) {
      private long timer;

      @Override
      void begin() {
        tick();
        timer = context.owner().setPeriodic(1, t -> tick());
      }

      private void tick() {
        long due = Math.min(total, (System.nanoTime() - startNs) * ratePerSecond / 1_000_000_000L + 1);
        fill(Integer.MAX_VALUE, due);
        if (issued >= total) {
          context.owner().cancelTimer(timer);
        }
      }

      @Override
      void onDone() {
      }
    }.run();
  }

  private abstract static class Base {
    final Context context;
    final Subject subject;
    final Payloads payloads;
    final long total;
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    final Histogram publishLatency = new Histogram(Receiver.MAX_RECORDED_NS, 3);
    long startNs;
    long issued;
    long inFlight;
    long done;
    long failed;
    String firstError;
    private boolean filling;

    Base(Context context, Subject subject, Payloads payloads, long total) {
      this.context = context;
      this.subject = subject;
      this.payloads = payloads;
      this.total = total;
    }

    CompletableFuture<Outcome> run() {
      context.runOnContext(v -> {
        startNs = System.nanoTime();
        begin();
      });
      return result;
    }

    abstract void begin();

    abstract void onDone();

    void fill(int window) {
      fill(window, total);
    }

    /** Issues publishes while fewer than {@code window} are in flight and fewer than {@code upTo} were issued. */
    void fill(int window, long upTo) {
      if (filling) {
        return; // a publish that completed synchronously: the loop below goes on
      }
      filling = true;
      try {
        while (inFlight < window && issued < upTo) {
          issued++;
          inFlight++;
          long sent = System.nanoTime();
          subject.publish(payloads.next()).onComplete(ar -> completed(ar, sent));
        }
      } finally {
        filling = false;
      }
    }

    private void completed(AsyncResult<?> ar, long sent) {
      long now = System.nanoTime();
      inFlight--;
      done++;
      if (ar.failed()) {
        if (failed++ == 0) {
          firstError = String.valueOf(ar.cause());
        }
      } else {
        publishLatency.recordValue(Math.max(0, Math.min(Receiver.MAX_RECORDED_NS, now - sent)));
      }
      if (done == total) {
        result.complete(new Outcome(startNs, now, total - failed, failed, firstError, publishLatency));
      } else {
        onDone();
      }
    }
  }

  /** The state of {@link #batched}: confined to the publisher's context. */
  private static final class BatchLoop {
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private final Subject subject;
    private final Payloads payloads;
    private final long total;
    private final int batchSize;
    private final int inFlight;
    private long startNs;
    private long issued;
    private long done;
    private long failed;
    private String firstError;
    private int batches;

    BatchLoop(Subject subject, Payloads payloads, long total, int batchSize, int inFlight) {
      this.subject = subject;
      this.payloads = payloads;
      this.total = total;
      this.batchSize = batchSize;
      this.inFlight = inFlight;
    }

    void begin() {
      startNs = System.nanoTime();
      fill();
    }

    private void fill() {
      while (batches < inFlight && issued < total) {
        int n = (int) Math.min(batchSize, total - issued);
        issued += n;
        batches++;
        subject.publishAll(payloads.next(n)).onComplete(ar -> completed(n, ar));
      }
    }

    private void completed(int n, AsyncResult<?> ar) {
      batches--;
      done += n;
      if (ar.failed()) {
        failed += n;
        if (firstError == null) {
          firstError = String.valueOf(ar.cause());
        }
      }
      if (done == total) {
        result.complete(new Outcome(startNs, System.nanoTime(), total - failed, failed, firstError,
            new Histogram(Receiver.MAX_RECORDED_NS, 3)));
      } else {
        fill();
      }
    }
  }
}
