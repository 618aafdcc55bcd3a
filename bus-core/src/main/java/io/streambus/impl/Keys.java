package io.streambus.impl;

/**
 * The key layout, in one place. Every key of one partition carries the hash tag {@code {<topic>:<p>}} so that the
 * partition sits in one cluster slot and the Lua scripts touching it are atomic.
 */
public final class Keys {
  private final String prefix;

  public Keys(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  public String stream(String topic, int partition) {
    return prefix + ":{" + topic + ":" + partition + "}";
  }

  public String deadLetters(String topic, int partition) {
    return stream(topic, partition) + ":dlq";
  }

  public String delayed(String topic, int partition) {
    return stream(topic, partition) + ":delayed";
  }

  /**
   * How many entries trimming has removed from the partition's stream, ever (a counter kept by the trim script): with
   * the length, the entries ever added where XINFO STREAM does not report them (Redis 6.2).
   */
  public String trimmed(String topic, int partition) {
    return stream(topic, partition) + ":trimmed";
  }

  public String retries(String topic, int partition, String group) {
    return stream(topic, partition) + ":retry:" + group;
  }

  /** Hash: topic name to partition count. */
  public String registry() {
    return prefix + ":topics";
  }

  /** The partition number of a stream key of this layout, or -1. */
  public int partitionOf(String streamKey) {
    int close = streamKey.lastIndexOf('}');
    int colon = streamKey.lastIndexOf(':', close);
    if (close < 0 || colon < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(streamKey.substring(colon + 1, close));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
