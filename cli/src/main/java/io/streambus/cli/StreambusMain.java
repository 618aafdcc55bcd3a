package io.streambus.cli;

/** {@code java -jar streambus-cli.jar <command> ...}: see {@link Cli} and docs/cli.md. */
public final class StreambusMain {
  private StreambusMain() {
  }

  public static void main(String[] args) {
    // before the first logger exists: the processes' logback.xml logs to stdout, which is the command's output here
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "streambus-cli-logback.xml");
    }
    System.exit(Cli.commandLine(new CliEnvironment(System.getenv(), System.in)).execute(args));
  }
}
