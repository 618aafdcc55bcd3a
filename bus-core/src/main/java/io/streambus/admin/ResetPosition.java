package io.streambus.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where {@link BusAdmin#resetGroup} moves a consumer group on each partition: the group's last delivered id becomes
 * the position, and delivery resumes with the first entry after it. Immutable.
 */
public final class ResetPosition {
  /** What the position is relative to. */
  public enum Kind {
    /** Before the oldest entry the stream holds: every entry is delivered again. */
    EARLIEST,
    /** The stream's last generated id: every entry there is now is skipped. */
    LATEST,
    /** After a given entry id. */
    ID,
    /**
     * Before the first entry stored at or after a given time (by the entry ids' time part, Redis's clock); the end of
     * a partition that has stored nothing since.
     */
    TIME
  }

  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,19}-\\d{1,20}");
  private static final ResetPosition EARLIEST = new ResetPosition(Kind.EARLIEST, null, null);
  private static final ResetPosition LATEST = new ResetPosition(Kind.LATEST, null, null);

  private final Kind kind;
  private final String id;
  private final Instant time;

  private ResetPosition(Kind kind, String id, Instant time) {
    this.kind = kind;
    this.id = id;
    this.time = time;
  }

  /** The start of each partition's stream ({@code XGROUP SETID ... 0}): the group receives everything again. */
  public static ResetPosition earliest() {
    return EARLIEST;
  }

  /** The end of each partition's stream: the group skips every entry stored so far. */
  public static ResetPosition latest() {
    return LATEST;
  }

  /**
   * After the entry id {@code id} ({@code <millis>-<seq>}) on every partition: the next entry delivered is the first
   * one after it. The id must not be after a partition's last generated id (the reset refuses that partition).
   *
   * @throws IllegalArgumentException when {@code id} is not an entry id
   */
  public static ResetPosition afterId(String id) {
    if (id == null || !ENTRY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be a stream entry id <millis>-<seq>, was '" + id + "'");
    }
    return new ResetPosition(Kind.ID, id, null);
  }

  /**
   * Just before {@code time} on every partition: the next entry delivered is the first one stored at or after it
   * (entry ids carry the time Redis stored them). A time before the oldest entry is {@link #earliest()}; on a
   * partition with nothing stored since {@code time} (a quiet partition, or a time still to come) it is the end of
   * the stream, as {@link #latest()}.
   */
  public static ResetPosition atTime(Instant time) {
    Objects.requireNonNull(time, "time");
    if (time.toEpochMilli() < 0) {
      throw new IllegalArgumentException("time must not be before 1970, was " + time);
    }
    return new ResetPosition(Kind.TIME, null, time);
  }

  public Kind kind() {
    return kind;
  }

  /** The entry id for {@link Kind#ID}, else null. */
  public String id() {
    return id;
  }

  /** The time for {@link Kind#TIME}, else null. */
  public Instant time() {
    return time;
  }

  /**
   * The entry id this position stands for where it does not depend on the stream ({@link Kind#ID},
   * {@link Kind#TIME}: the largest id before the time), else null.
   */
  public String entryId() {
    if (kind == Kind.ID) {
      return id;
    }
    if (kind == Kind.TIME) {
      long ms = time.toEpochMilli();
      return ms == 0 ? "0-0" : (ms - 1) + "-18446744073709551615";
    }
    return null;
  }

  /** {@code earliest}, {@code latest}, {@code after <id>} or {@code at <ISO-8601 time>}. */
  @Override
  public String toString() {
    return switch (kind) {
      case EARLIEST -> "earliest";
      case LATEST -> "latest";
      case ID -> "after " + id;
      case TIME -> "at " + time;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResetPosition p && p.kind == kind && Objects.equals(p.id, id) && Objects.equals(p.time, time);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, id, time);
  }
}
