package io.streambus.cli;

import io.streambus.BusOptions;
import io.streambus.StreamBus;
import io.streambus.app.BusConfig;
import io.streambus.app.ConfigException;
import io.streambus.app.ConfigLoader;
import io.streambus.app.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Vert.x instance and a bus for one command, configured as the other jars are ({@link ConfigLoader}: defaults, the
 * file, {@code BUS_*} variables; then the command-line options), closed when the command ends. Commands run on the
 * main thread and wait for each future here.
 */
final class BusSession implements AutoCloseable {
  private final Vertx vertx;
  private final BusOptions options;
  private final StreamBus bus;
  private final long waitMs;
  private StreamBus publisher;

  private BusSession(Vertx vertx, BusOptions options, long waitMs) {
    this.vertx = vertx;
    this.options = options;
    this.bus = StreamBus.create(vertx, options);
    this.waitMs = waitMs;
  }

  /** @throws ConfigException naming the bad setting */
  static BusSession open(CliEnvironment environment, ConnectionFlags connection) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      List<String> args = new ArrayList<>();
      if (connection.config != null) {
        args.add("--config");
        args.add(connection.config);
      }
      Settings settings = wait(ConfigLoader.load(vertx, args, environment.env(), Map.of()), 30_000)
          .with(connection.overrides());
      BusOptions options = BusConfig.busOptions(settings);
      // the longest a command waits for one answer: the bus's own deadline (with its retries) and some slack
      long waitMs = options.getPublishTimeoutMs() + 10_000;
      return new BusSession(vertx, options, waitMs);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  StreamBus bus() {
    return bus;
  }

  /**
   * A bus to publish to {@code topic} with: this one, or, when Redis records another partition count for the topic
   * than the settings give (an operator's shell rarely carries the producers' BUS_PARTITIONS), one configured with
   * the recorded count, so that a message lands where the topic's consumers read, and the topic's registry is not
   * contradicted.
   */
  StreamBus publisherFor(String topic) {
    int recorded = await(bus.admin().partitions(topic));
    if (recorded == options.partitionsOf(topic)) {
      return bus;
    }
    if (publisher == null) {
      Map<String, Integer> partitions = new java.util.HashMap<>(options.getTopicPartitions());
      partitions.put(topic, recorded);
      publisher = StreamBus.create(vertx, new BusOptions(options).setTopicPartitions(partitions));
    }
    return publisher;
  }

  /**
   * A bus that gives {@code topic} {@code partitions} partitions (for a topic this command creates, such as verify's
   * scratch topic); closed with the session.
   */
  StreamBus busWithPartitions(String topic, int partitions) {
    if (partitions == options.partitionsOf(topic)) {
      return bus;
    }
    if (publisher != null) {
      throw new IllegalStateException("one second bus per session");
    }
    Map<String, Integer> all = new java.util.HashMap<>(options.getTopicPartitions());
    all.put(topic, partitions);
    publisher = StreamBus.create(vertx, new BusOptions(options).setTopicPartitions(all));
    return publisher;
  }

  <T> T await(Future<T> future) {
    return wait(future, waitMs);
  }

  private static <T> T wait(Future<T> future, long ms) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new CliException(Cli.FAILED, "no answer within " + ms + " ms (is Redis reachable?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.FAILED, "interrupted");
    }
  }

  @Override
  public void close() {
    try {
      Future<Void> closed = publisher == null ? bus.close() : Future.join(bus.close(), publisher.close()).mapEmpty();
      wait(closed.eventually(vertx::close), 15_000);
    } catch (RuntimeException e) {
      // closing after a failure (Redis gone) may fail too: the command's own error is what matters
    }
  }
}
