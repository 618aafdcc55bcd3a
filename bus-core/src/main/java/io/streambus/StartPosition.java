package io.streambus;

import io.vertx.codegen.annotations.DataObject;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a new consumer group starts reading. Only used when the group is created; an existing group keeps its
 * position.
 */
@DataObject
public final class StartPosition {
  /** Only messages published after the group is created. */
  public static final StartPosition NEW = new StartPosition("$");
  /** Every message still in the stream (replays history). */
  public static final StartPosition BEGINNING = new StartPosition("0");

  private final String id;

  private StartPosition(String id) {
    this.id = id;
  }

  /** Messages after the entry id {@code id} (exclusive), e.g. {@code 1700000000000-0}. */
  public static StartPosition afterId(String id) {
    Objects.requireNonNull(id, "id");
    if (!id.matches("\\d+(-\\d+)?")) {
      throw new IllegalArgumentException("startPosition: not a stream entry id: " + id);
    }
    return new StartPosition(id);
  }

  /** Messages published at or after {@code time}. */
  public static StartPosition fromTime(Instant time) {
    long ms = Math.max(0, time.toEpochMilli() - 1);
    return new StartPosition(ms + "-18446744073709551615");
  }

  /** Parses {@code new}, {@code beginning}, an entry id or an ISO-8601 instant. */
  public static StartPosition parse(String text) {
    switch (text.trim().toLowerCase()) {
      case "new", "$", "latest":
        return NEW;
      case "beginning", "0", "earliest":
        return BEGINNING;
      default:
        if (text.contains("T")) {
          return fromTime(Instant.parse(text.trim()));
        }
        return afterId(text.trim());
    }
  }

  /**
   * The position in JSON ({@link ConsumerOptions}' {@code startPosition}): what {@link #parse} reads.
   *
   * @throws IllegalArgumentException when {@code json} is none of those
   */
  public static StartPosition fromJson(String json) {
    return parse(json);
  }

  /** The position as {@link #fromJson} reads it: {@code new}, {@code beginning}, or the entry id after which it starts. */
  public String toJson() {
    return toString();
  }

  /** The id given to {@code XGROUP CREATE}. */
  public String groupCreateId() {
    return id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StartPosition other && id.equals(other.id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return this == NEW ? "new" : this == BEGINNING ? "beginning" : id;
  }
}
