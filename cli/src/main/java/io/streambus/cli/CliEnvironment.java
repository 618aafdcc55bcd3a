package io.streambus.cli;

import java.io.InputStream;
import java.util.Map;

/**
 * What a command reads from outside its arguments: the environment variables ({@code BUS_*} settings, as every
 * Streambus process reads them) and standard input (messages to publish, the answer to a confirmation). Tests give
 * their own.
 */
public record CliEnvironment(Map<String, String> env, InputStream in) {
}
