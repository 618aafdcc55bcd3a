package io.streambus;

/**
 * An option refused by validation or by reading JSON. {@link #field()} names the refused option as data, so that a
 * caller can tell the user which of its own settings fed it without reading the message.
 */
public class OptionException extends IllegalArgumentException {
  private final String field;

  /**
   * @param field the refused option's path, as its JSON names it ({@code publish.publishTimeoutMs},
   *              {@code retry.jitter}, {@code topics.topicPartitions})
   * @param message what is wrong, beginning with the field
   */
  public OptionException(String field, String message) {
    super(message);
    this.field = field;
  }

  /**
   * The path of the refused option: the JSON names from the options object that validated, joined with {@code .};
   * for an entry of a map option (a topic's partitions, a topic's trimming) the path of the map, with the entry's
   * key named in the message.
   */
  public String field() {
    return field;
  }
}
