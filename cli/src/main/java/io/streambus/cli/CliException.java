package io.streambus.cli;

/** A command's failure with the exit code that says what happened ({@link Cli}) and a message for stderr. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
