package io.streambus.cli;

import io.streambus.BusException;
import io.streambus.app.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.lang.reflect.Constructor;

/**
 * The {@code streambus} command line: builds the picocli command tree and maps what happens to exit codes.
 *
 * <p>Exit codes: {@value #OK} done; {@value #FAILED} the command could not do its work (Redis unreachable, a timeout,
 * an error reply); {@value #USAGE} bad arguments or settings (the message names which); {@value #NOT_FOUND} the topic,
 * group, entry or dead letter named does not exist; {@value #REFUSED} nothing was changed because the operation was
 * refused (a group with live members, without {@code --force}) or not confirmed; {@value #LOST} {@code verify} found
 * messages the bus confirmed and never delivered; {@value #OUT_OF_ORDER} {@code verify --keys} found messages handled
 * after a later one of their key (and none lost).
 */
@Command(name = "streambus", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = {"Operate a Streambus deployment: topics, groups, entries, dead letters, group positions.",
        "Connection settings come from --config <file>, BUS_* environment variables and the connection options every"
            + " command takes (--redis-url ...; see streambus <command> --help), as for the producers and consumers"
            + " jars."},
    subcommands = {TopicsCommand.class, GroupsCommand.class, ShowCommand.class, TailCommand.class,
        PublishCommand.class, DlqCommand.class, GroupCommand.class, VerifyCommand.class,
        CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  done", "  1  failed (Redis unreachable, timeout, error reply)", "  2  bad arguments or settings",
        "  3  not found (topic, group, entry, dead letter)", "  4  refused or not confirmed (nothing changed)",
        "  5  verify: messages lost", "  6  verify: messages out of order (none lost)"})
public final class Cli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NOT_FOUND = 3;
  public static final int REFUSED = 4;
  public static final int LOST = 5;
  public static final int OUT_OF_ORDER = 6;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The command tree; each command gets {@code environment} through its constructor. */
  public static CommandLine commandLine(CliEnvironment environment) {
    CommandLine cli = new CommandLine(new Cli(), new Factory(environment));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      int code = exitCode(e);
      commandLine.getErr().println("streambus: " + message(e));
      commandLine.getErr().flush();
      return code;
    });
    return cli;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CliException c) {
      return c.exitCode();
    }
    if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
      return USAGE;
    }
    return FAILED;
  }

  private static String message(Throwable e) {
    if (e instanceof CliException || e instanceof ConfigException || e instanceof IllegalArgumentException
        || e instanceof BusException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see streambus --help)");
  }

  /** Creates commands with the environment when they take it, else as picocli does. */
  private record Factory(CliEnvironment environment) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> withEnvironment = type.getDeclaredConstructor(CliEnvironment.class);
        return withEnvironment.newInstance(environment);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  /** The version of the jar (its manifest), or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"streambus " + (v == null ? "development" : v)};
    }
  }
}
