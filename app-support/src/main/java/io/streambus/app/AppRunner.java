package io.streambus.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The life cycle of a Streambus process, shared by every fat-jar's {@code main}:
 * <ol>
 *   <li>configure tracing from the {@code OTEL_*} settings ({@link Telemetry}), load the {@link Settings}
 *   ({@link ConfigLoader}) and let the application validate them and build itself without starting anything; an
 *   invalid setting prints one line naming it to stderr and exits with {@link #EXIT_CONFIG};</li>
 *   <li>start the application; a failure to start (Redis unreachable, port taken) exits with {@link #EXIT_FAILURE};</li>
 *   <li>on SIGTERM or SIGINT (Ctrl-C): {@link Application#stop()} (stop intake, drain in-flight work), close Vert.x,
 *   export the spans still buffered, and exit with {@link #EXIT_OK}; if that takes longer than
 *   {@value #SHUTDOWN_TIMEOUT_MS} (default {@value #DEFAULT_SHUTDOWN_TIMEOUT_MS} ms), exit with {@link #EXIT_FAILURE}
 *   at the deadline. Work not finished then stays pending in Redis and is reclaimed by peers, so nothing is lost
 *   either way.</li>
 * </ol>
 */
public final class AppRunner {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_CONFIG = 2;
  /** Setting: the whole shutdown deadline, drain included, in ms. */
  public static final String SHUTDOWN_TIMEOUT_MS = "BUS_SHUTDOWN_TIMEOUT_MS";
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

  private static final Logger LOG = LoggerFactory.getLogger(AppRunner.class);

  private AppRunner() {
  }

  /** What a process runs. Both methods are called from a non-Vert.x thread and must not throw. */
  public interface Application {
    /** Starts everything; the future fails when the process cannot run. */
    Future<Void> start();

    /** Stops intake, drains in-flight work and releases resources. Called once, after a successful start. */
    Future<Void> stop();
  }

  /** Builds an application from validated settings. Must not start anything, connect, or listen. */
  @FunctionalInterface
  public interface Factory {
    /** @throws ConfigException naming the first bad setting */
    Application create(Vertx vertx, Settings settings);
  }

  /** A validated, not yet started application, with its Vert.x instance, tracing and shutdown deadline. */
  public record Prepared(Vertx vertx, Telemetry telemetry, Application application, long shutdownTimeoutMs) {
  }

  /**
   * Runs the process to completion as described in the class comment; returns only while the application runs
   * (its Vert.x threads keep the JVM alive) and otherwise ends the JVM with the exit code.
   */
  public static void main(String name, String[] args, Map<String, ?> defaults, Factory factory) {
    main(name, args, defaults, EnvironmentAliases.NONE, factory);
  }

  /**
   * Like {@link #main(String, String[], Map, Factory)}, reading the environment's settings under their
   * {@code aliases} too (see {@link #prepare(List, Map, Map, EnvironmentAliases, Factory)}).
   */
  public static void main(String name, String[] args, Map<String, ?> defaults, EnvironmentAliases aliases,
                          Factory factory) {
    Prepared prepared;
    try {
      prepared = prepare(List.of(args), System.getenv(), defaults, aliases, factory);
    } catch (ConfigException e) {
      System.err.println(name + ": invalid configuration: " + e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    try {
      await(prepared.application().start(), prepared.shutdownTimeoutMs());
    } catch (Exception e) {
      LOG.error("{} could not start: {}", name, message(e), e);
      closeQuietly(prepared.vertx());
      prepared.telemetry().close();
      System.exit(EXIT_FAILURE);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(name, prepared), name + "-shutdown"));
    LOG.info("{} started", name);
  }

  /**
   * Configures tracing, loads and validates the settings and builds the application, without starting it. On a bad
   * setting the Vert.x instance and the tracing are closed and the {@link ConfigException} thrown.
   */
  public static Prepared prepare(List<String> args, Map<String, String> env, Map<String, ?> defaults,
                                 Factory factory) {
    return prepare(args, env, defaults, EnvironmentAliases.NONE, factory);
  }

  /**
   * Like {@link #prepare(List, Map, Map, Factory)}, with every alias set in {@code env} read as its canonical name
   * ({@link EnvironmentAliases#apply}); a bad setting that was set under an alias is reported with that name too.
   */
  public static Prepared prepare(List<String> args, Map<String, String> env, Map<String, ?> defaults,
                                 EnvironmentAliases aliases, Factory factory) {
    try {
      return prepareCanonical(args, aliases.apply(env), defaults, factory);
    } catch (ConfigException e) {
      throw aliases.explain(e, env);
    }
  }

  private static Prepared prepareCanonical(List<String> args, Map<String, String> env, Map<String, ?> defaults,
                                           Factory factory) {
    // first: the tracer is part of the Vert.x instance, and the bus traces with what is registered when it is created
    Telemetry telemetry = Telemetry.fromEnvironment(env);
    Vertx vertx = telemetry.createVertx();
    try {
      Map<String, Object> all = new LinkedHashMap<>(defaults);
      all.putIfAbsent(SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS);
      Settings settings = await(ConfigLoader.load(vertx, args, env, all), 30_000);
      long shutdownTimeout = settings.longValue(SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS, 100, 3_600_000);
      return new Prepared(vertx, telemetry, factory.create(vertx, settings), shutdownTimeout);
    } catch (ConfigException e) {
      closeQuietly(vertx);
      telemetry.close();
      throw e;
    } catch (Exception e) {
      closeQuietly(vertx);
      telemetry.close();
      if (e.getCause() instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException(null, message(e), e);
    }
  }

  /**
   * Runs in the JVM's shutdown hook (SIGTERM, SIGINT). It ends with {@code halt} because the JVM would otherwise
   * report the signal (exit code 143 or 130) although the drain succeeded; halting with our code is the only way a
   * hook can set the status. Nothing else of ours needs the remaining hooks.
   */
  private static void shutdown(String name, Prepared prepared) {
    long deadline = prepared.shutdownTimeoutMs();
    LOG.info("{} stopping: draining in-flight work (deadline {} ms)", name, deadline);
    int code = EXIT_OK;
    long started = System.nanoTime();
    try {
      await(prepared.application().stop(), deadline);
      LOG.info("{} stopped cleanly in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (TimeoutException e) {
      LOG.warn("{} did not drain within {} ms; unfinished messages stay pending for peers to reclaim", name,
          deadline);
      code = EXIT_FAILURE;
    } catch (Exception e) {
      LOG.warn("{} stopped with an error: {}", name, message(e));
      code = EXIT_FAILURE;
    }
    // Closing Vert.x only releases threads now that the application has drained, and its completion can be
    // emitted on an event loop it has just shut down (so it may never be seen): bounded, and not part of the verdict.
    closeQuietly(prepared.vertx());
    // the spans of the drain included; bounded, and not part of the verdict either
    prepared.telemetry().close();
    Runtime.getRuntime().halt(code);
  }

  private static <T> T await(Future<T> future, long timeoutMs) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the process is about to exit anyway
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
