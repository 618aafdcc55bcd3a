package io.streambus.admin;

import io.streambus.OutgoingMessage;
import io.streambus.Message;
import io.streambus.Topics;
import io.streambus.MessageId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
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

  private static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, -1, null, null, Map.of());
  /** {@code [[topic/]partition/]entry-id}. */
  private static final Pattern MESSAGE_ID =
      Pattern.compile("(?:(?:([A-Za-z0-9._-]{1,200})/)?(\\d{1,4})/)?(\\d{1,20}-\\d{1,20})");

  private final String group;
  private final String messageTopic;
  private final int messagePartition;
  private final String messageId;
  private final String key;
  private final Map<String, String> headers;

  private DeadLetterFilter(String group, String messageTopic, int messagePartition, String messageId, String key,
                           Map<String, String> headers) {
    this.group = group;
    this.messageTopic = messageTopic;
    this.messagePartition = messagePartition;
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
    return new DeadLetterFilter(Topics.requireValidName("group", group), messageTopic, messagePartition, messageId,
        key, headers);
  }

  /**
   * Only the dead letters of one message, named in one of three forms: {@code <topic>/<partition>/<entry id>} as
   * {@link MessageId#toString()} gives it (and the http handler's {@code X-Bus-Message-Id} header),
   * {@code <partition>/<entry id>}, or a bare {@code <entry id>} such as {@code 1700000000000-0}. The entry id is
   * compared with the message's id in its stream, {@link DeadLetter#originalId()}, never with the dead letter's own
   * id (the dead-letter stream draws its ids from the same clock, so one can equal some message's id; a dead letter is
   * fetched by its {@link DeadLetter#ref()} with {@link DeadLetters#get}). A bare entry id matches in every partition:
   * each partition is a stream of its own, and two of them can hold the same entry id, so name the partition to find
   * one message. Searching another topic's dead letters with a {@code <topic>/...} id fails.
   *
   * @throws IllegalArgumentException when {@code id} has none of these forms
   */
  public DeadLetterFilter withMessageId(String id) {
    Matcher m = id == null ? null : MESSAGE_ID.matcher(id);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("id must be <topic>/<partition>/<entry id>, <partition>/<entry id> or an "
          + "entry id like 1700000000000-0, was '" + id + "'");
    }
    return new DeadLetterFilter(group, m.group(1), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)),
        m.group(3), key, headers);
  }

  /**
   * Only the dead letters of this published message (its topic, partition and entry id).
   *
   * @throws IllegalArgumentException for a delayed message not yet due, which has no entry id yet
   */
  public DeadLetterFilter withMessageId(MessageId id) {
    if (id == null || id.isScheduled()) {
      throw new IllegalArgumentException("id must be the id of a stored message, was " + id);
    }
    return withMessageId(id.toString());
  }

  /**
   * Only dead letters whose message was published with this partition key ({@link OutgoingMessage#key}).
   *
   * @throws IllegalArgumentException when {@code key} is null, empty or longer than {@value #MAX_VALUE_LENGTH}
   */
  public DeadLetterFilter withKey(String key) {
    return new DeadLetterFilter(group, messageTopic, messagePartition, messageId, requireText("key", key, false),
        headers);
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
    return new DeadLetterFilter(group, messageTopic, messagePartition, messageId, key,
        Collections.unmodifiableMap(more));
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

  /** The entry id of the message id criterion, or null. */
  public String messageId() {
    return messageId;
  }

  /** The partition the message id criterion names, or -1 when it names none (any partition). */
  public int messagePartition() {
    return messagePartition;
  }

  /** The topic the message id criterion names, or null when it names none. */
  public String messageTopic() {
    return messageTopic;
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
    return o instanceof DeadLetterFilter f && Objects.equals(group, f.group)
        && Objects.equals(messageTopic, f.messageTopic) && messagePartition == f.messagePartition
        && Objects.equals(messageId, f.messageId) && Objects.equals(key, f.key) && headers.equals(f.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, messageTopic, messagePartition, messageId, key, headers);
  }

  @Override
  public String toString() {
    String id = messageId == null ? null : (messageTopic == null ? "" : messageTopic + "/")
        + (messagePartition < 0 ? "" : messagePartition + "/") + messageId;
    return "DeadLetterFilter{group=" + group + ", messageId=" + id + ", key=" + key + ", headers=" + headers + "}";
  }
}
