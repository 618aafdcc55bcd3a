package io.streambus;

import java.util.Objects;

/**
 * Where a message is stored: topic, partition and Redis stream entry id ({@code <millis>-<seq>}). For a delayed
 * message not yet due, {@link #isScheduled()} is true and {@link #value()} is an opaque schedule token instead of an
 * entry id (the entry id is assigned when the message becomes due).
 */
public final class MessageId {
  private final String topic;
  private final int partition;
  private final String value;
  private final boolean scheduled;
  private final boolean duplicate;

  public MessageId(String topic, int partition, String value, boolean scheduled) {
    this(topic, partition, value, scheduled, false);
  }

  private MessageId(String topic, int partition, String value, boolean scheduled, boolean duplicate) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partition = partition;
    this.value = Objects.requireNonNull(value, "value");
    this.scheduled = scheduled;
    this.duplicate = duplicate;
  }

  /**
   * The id of a message an earlier publish with the same idempotency key stored: the publish that returns it stored
   * nothing.
   */
  public static MessageId duplicateOf(String topic, int partition, String entryId) {
    return new MessageId(topic, partition, entryId, false, true);
  }

  public static MessageId of(String topic, int partition, String entryId) {
    return new MessageId(topic, partition, entryId, false);
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  /** The stream entry id, e.g. {@code 1700000000000-0}, or the schedule token of a delayed message. */
  public String value() {
    return value;
  }

  public boolean isScheduled() {
    return scheduled;
  }

  /**
   * True when the publish stored nothing: an earlier publish with the same idempotency key, within the idempotency
   * window, stored the message this id names.
   */
  public boolean isDuplicate() {
    return duplicate;
  }

  /** Milliseconds since the epoch encoded in the entry id (Redis's clock when it stored the entry); -1 if scheduled. */
  public long timestamp() {
    if (scheduled) {
      return -1;
    }
    int dash = value.indexOf('-');
    try {
      // without a substring: read once per delivered message, for the end-to-end timer
      return Long.parseLong(value, 0, dash < 0 ? value.length() : dash, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageId other && partition == other.partition && scheduled == other.scheduled
        && topic.equals(other.topic) && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, value, scheduled);
  }

  @Override
  public String toString() {
    return topic + "/" + partition + "/" + value;
  }
}
