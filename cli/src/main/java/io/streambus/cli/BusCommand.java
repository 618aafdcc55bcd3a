package io.streambus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * A command that talks to the bus: the connection options and {@code --json}, a session opened for the run and
 * closed after it, and the output writers picocli was given.
 */
abstract class BusCommand implements Callable<Integer> {
  protected final CliEnvironment environment;

  @Mixin
  ConnectionFlags connection = new ConnectionFlags();

  @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private BufferedReader input;

  BusCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public final Integer call() {
    try (BusSession session = BusSession.open(environment, connection)) {
      int code = run(session);
      out().flush();
      return code;
    }
  }

  /** The command's work; returns its exit code, or throws ({@link CliException} with the code). */
  abstract int run(BusSession session);

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void print(JsonObject value) {
    out().println(value.encodePrettily());
  }

  void print(JsonArray value) {
    out().println(value.encodePrettily());
  }

  /** Standard input, one reader for the whole run (lines to publish, an answer). */
  BufferedReader input() {
    if (input == null) {
      input = new BufferedReader(new InputStreamReader(environment.in(), StandardCharsets.UTF_8));
    }
    return input;
  }

  /**
   * Asks {@code question} on stderr and reads the answer from stdin; true for y or yes. Without {@code --yes}, a
   * script that cannot answer (stdin at its end) gets no: nothing changes.
   */
  boolean confirm(boolean yes, String question) {
    if (yes) {
      return true;
    }
    err().print(question + " [y/N] ");
    err().flush();
    try {
      String answer = input().readLine();
      return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    }
  }
}
