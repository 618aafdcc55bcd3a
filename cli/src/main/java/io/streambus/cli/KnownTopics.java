package io.streambus.cli;

import java.util.List;

/** Checks shared by the commands that name a topic. */
final class KnownTopics {
  private KnownTopics() {
  }

  /** @throws CliException with {@link Cli#NOT_FOUND} when the bus has never seen {@code topic} */
  static void requireKnown(BusSession session, String topic) {
    io.streambus.Topics.requireValidName("topic", topic);
    List<String> known = session.await(session.bus().admin().topics());
    if (!known.contains(topic)) {
      throw new CliException(Cli.NOT_FOUND, "no topic '" + topic + "' (known: "
          + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }
  }
}
