package io.streambus;

/**
 * What order a subscription's handlers see a partition's messages in ({@link ConsumerOptions#setOrdering}).
 *
 * <p>The stream always keeps each partition's order, hence each key's (a key picks its partition). With
 * {@link #NONE} processing does not: the members of a group, and the handler calls of one subscription, run
 * concurrently, so one key's messages can be handled out of order. With {@link #PARTITION} or {@link #KEY} each
 * partition is owned by one member of the group at a time (a lease in Redis, renewed by its owner), the members spread
 * the partitions evenly between them, and a failing message is retried in place, holding back what comes after it
 * until it succeeds or is dead-lettered. Every member of a group must use the same ordering.
 */
public enum Ordering {
  /** No order of processing (the default, and the fastest): any member handles any message, concurrently. */
  NONE,
  /**
   * Each partition is handled one message at a time, in stream order, by the member that owns it. A failing message
   * holds back its whole partition.
   */
  PARTITION,
  /**
   * The messages of one key are handled one after another, in stream order, by the member that owns their partition;
   * different keys of a partition run concurrently, up to {@link ConsumerOptions#getMaxInFlight()}. A failing
   * message holds back its key only. Messages without a key have no order constraint.
   */
  KEY;

  /**
   * Ordering named {@code text}, in any case ({@code none}, {@code partition}, {@code key}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Ordering parse(String text) {
    for (Ordering o : values()) {
      if (o.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return o;
      }
    }
    throw new IllegalArgumentException("ordering must be none, partition or key, was '" + text + "'");
  }
}
