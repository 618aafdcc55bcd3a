package io.streambus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which dead letters {@link DeadLetters#search} lists and {@link DeadLetters#replayAll} replays. Every criterion set
 * must hold (they are AND-ed); a filter with none, {@link #all()}, matches every dead letter. Values are compared
 * exactly (as UTF-8 bytes, case-sensitive): no patterns, no prefixes.
 *
 * <p>Immutable: each {@code with...} method returns a new filter. Invalid values are refused at once with an
 * {@link IllegalArgumentException} that names the criterion.
 */
public final class DeadLetterFilter {
  /** Longest key, header name or header value a filter accepts, in characters: {@value}. */
  public static final int MAX_VALUE_LENGTH = 1_000;
  /** Most header criteria one filter holds: {@value}. */
  public static final int MAX_HEADERS = 16;

  private static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, Map.of());
  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

  private final String group;
  private final String messageId;
  private final String key;
  private final Map<String, String> headers;

  private DeadLetterFilter(String group, String messageId, String key, Map<String, String> headers) {
    this.group = group;
    this.messageId = messageId;
    this.key = key;
    this.headers = headers;
  }

  /** The filter that matches every dead letter. */
  public static DeadLetterFilter all() {
    return ALL;
  }

  /**
   * Only dead letters of this group: the group whose handling failed them, {@link DeadLetter#group()}.
   *
   * @throws IllegalArgumentException when {@code group} is not a valid group name ({@link Topics#isValidName})
   */
  public DeadLetterFilter withGroup(String group) {
    return new DeadLetterFilter(Topics.requireValidName("group", group), messageId, key, headers);
  }

  /**
   * Only the dead letter of this message: {@code id} is compared with the message's entry id in its stream
   * ({@link DeadLetter#originalId()}, the id {@link StreamBus#publish} returned) and with the dead letter's own id
   * ({@link DeadLetter#id()}); either may match.
   *
   * @throws IllegalArgumentException when {@code id} is not a stream entry id ({@code <millis>-<sequence>})
   */
  public DeadLetterFilter withMessageId(String id) {
    if (id == null || !ENTRY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be a stream entry id like 1700000000000-0, was '" + id + "'");
    }
    return new DeadLetterFilter(group, id, key, headers);
  }

  /**
   * Only dead letters whose message was published with this partition key ({@link OutgoingMessage#key}).
   *
   * @throws IllegalArgumentException when {@code key} is null, empty or longer than {@value #MAX_VALUE_LENGTH}
   */
  public DeadLetterFilter withKey(String key) {
    return new DeadLetterFilter(group, messageId, requireText("key", key, false), headers);
  }

  /**
   * Only dead letters whose message carries this header with exactly this value ({@link OutgoingMessage#header}).
   * Several header criteria must all hold; a second one for the same name replaces the first.
   *
   * @throws IllegalArgumentException when {@code name} is null or empty, {@code value} is null, either is longer than
   *     {@value #MAX_VALUE_LENGTH}, or the filter would hold more than {@value #MAX_HEADERS} headers
   */
  public DeadLetterFilter withHeader(String name, String value) {
    requireText("header name", name, false);
    requireText("header value", value, true);
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    if (more.size() > MAX_HEADERS) {
      throw new IllegalArgumentException("a filter holds at most " + MAX_HEADERS + " headers");
    }
    return new DeadLetterFilter(group, messageId, key, Collections.unmodifiableMap(more));
  }

  private static String requireText(String what, String value, boolean emptyAllowed) {
    if (value == null || (!emptyAllowed && value.isEmpty())) {
      throw new IllegalArgumentException(what + " must not be " + (value == null ? "null" : "empty"));
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(what + " must be at most " + MAX_VALUE_LENGTH + " characters, was "
          + value.length());
    }
    return value;
  }

  /** The group criterion, or null. */
  public String group() {
    return group;
  }

  /** The message id criterion, or null. */
  public String messageId() {
    return messageId;
  }

  /** The key criterion, or null. */
  public String key() {
    return key;
  }

  /** The header criteria, name to value, in the order they were added (empty when none). */
  public Map<String, String> headers() {
    return headers;
  }

  /** True when no criterion is set: the filter matches every dead letter. */
  public boolean isEmpty() {
    return group == null && messageId == null && key == null && headers.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetterFilter f && Objects.equals(group, f.group) && Objects.equals(messageId, f.messageId)
        && Objects.equals(key, f.key) && headers.equals(f.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, messageId, key, headers);
  }

  @Override
  public String toString() {
    return "DeadLetterFilter{group=" + group + ", messageId=" + messageId + ", key=" + key + ", headers=" + headers
        + "}";
  }
}
