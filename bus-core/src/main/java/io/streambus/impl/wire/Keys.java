package io.streambus.impl.wire;

import io.streambus.Topics;

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
    return prefix + ":" + Topics.hashTag(topic, partition);
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

  /**
   * Hash: the idempotency keys of messages published to the partition within the idempotency window, each to
   * {@code <entry id> <payload digest>} (publish_idempotent.lua). Pruned as publishes go, with {@link
   * #idempotencyExpiry}; both expire as a whole when no keyed publish came for a window.
   */
  public String idempotency(String topic, int partition) {
    return stream(topic, partition) + ":idem";
  }

  /** Sorted set: the idempotency keys of {@link #idempotency}, scored by when they are forgotten (epoch ms). */
  public String idempotencyExpiry(String topic, int partition) {
    return stream(topic, partition) + ":idem:expiry";
  }

  public String retries(String topic, int partition, String group) {
    return stream(topic, partition) + ":retry:" + group;
  }

  /**
   * Hash: the live members of a group on one partition (consumer name to its token, claim min idle and expiry), kept
   * by the lease renewal: who holds a consumer name now, and how fast members must renew.
   */
  public String members(String topic, int partition, String group) {
    return stream(topic, partition) + ":members:" + group;
  }

  /**
   * Sorted set: entries of the partition that a claim moved from one consumer of the group to another in the last
   * hour, scored by when. The acknowledgement step checks ownership one by one only for these ids (any other entry a
   * live consumer holds cannot have moved), and drops those it acknowledges.
   */
  public String moved(String topic, int partition, String group) {
    return stream(topic, partition) + ":moved:" + group;
  }

  /**
   * String: the subscription that owns a partition for a group with ordered processing ({@code consumer|token}), with
   * a time to live its owner's renewals extend.
   */
  public String owner(String topic, int partition, String group) {
    return stream(topic, partition) + ":owner:" + group;
  }

  /**
   * String: present while the group is paused ({@code BusAdmin.pauseGroup}), on every partition of the topic; each
   * member reads it at every renewal and starts nothing new while it is there.
   */
  public String paused(String topic, int partition, String group) {
    return stream(topic, partition) + ":paused:" + group;
  }

  /**
   * String: what one claim request of a running subscription ({@code token}, its {@code seq}-th claim) took, kept for
   * as long as the bus may send that request again after a lost reply (claim.lua): the request sent again answers the
   * same entries instead of claiming, and counting a delivery, once more.
   */
  public String claimRecord(String topic, int partition, String token, long seq) {
    return stream(topic, partition) + ":claim:" + token + ":" + seq;
  }

  /**
   * Sorted set: the responders present on a partition ({@code group|consumer}, scored by when their presence lapses,
   * Redis's clock): a request is stored only while one is (request.lua).
   */
  public String presence(String topic, int partition) {
    return stream(topic, partition) + ":responders";
  }

  /**
   * Stream: the replies to the requests of one bus instance, in a slot of its own ({@code {replies:<instance>}}: an
   * instance id is never a partition number, so this never meets a partition's tag), with a time to live its bus
   * renews.
   */
  public String inbox(String instance) {
    return prefix + ":{replies:" + instance + "}";
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
