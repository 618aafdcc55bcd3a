package io.streambus;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Naming rules for topics and groups, and the public part of the key layout: which partition a key goes to, and where
 * a partition's read models ({@link StreamBus#project projections}) live, so that readers of a model, in any language,
 * find it.
 *
 * <p>Every key of partition {@code p} of topic {@code t} carries the hash tag {@code {t:p}}: the stream is
 * {@code <prefix>:{t:p}}, and the model keys a projection builds with {@link ModelWrites#key(String)} are
 * {@link #modelKey(String, String, int, String) <prefix>:{t:p}:model:<name>}. Hence a partition, its bus keys and its
 * models sit in one Redis Cluster slot.
 */
public final class Topics {
  // compiled once: publish checks every message's topic
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private Topics() {
  }

  /**
   * Topic and group names are 1-200 characters of {@code [A-Za-z0-9._-]}: no braces or colons, which would break
   * the key layout and the cluster hash tags.
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * The partition a message with partition key {@code key} goes to: the CRC-32 (IEEE, as {@code java.util.zip.CRC32},
   * Python's {@code zlib.crc32}) of the key's UTF-8 bytes, modulo {@code partitions}. The publisher uses this rule, so
   * a reader of a per-key read model finds the key's partition with it. It changes when the partition count changes.
   *
   * @throws IllegalArgumentException when {@code partitions} is not positive
   * @throws NullPointerException when {@code key} is null
   */
  public static int partitionOf(String key, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
  }

  /** The hash tag of a partition, {@code {<topic>:<partition>}}: every key of the partition carries it. */
  public static String hashTag(String topic, int partition) {
    return "{" + topic + ":" + partition + "}";
  }

  /**
   * The key of read model {@code name} of a partition: {@code <prefix>:{<topic>:<partition>}:model:<name>}, what
   * {@link ModelWrites#key(String)} builds for a projection on a bus whose {@link BusOptions#getKeyPrefix() key prefix}
   * is {@code prefix}. A model kept per partition key (a customer, an order) lives in the partition
   * {@link #partitionOf(String, int)} gives for that key; a model over all messages has a part in every partition,
   * which a reader adds up.
   */
  public static String modelKey(String prefix, String topic, int partition, String name) {
    return prefix + ":" + hashTag(topic, partition) + ":model:" + name;
  }

  /** @throws IllegalArgumentException naming {@code what} when {@code name} is not valid */
  public static String requireValidName(String what, String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(what + " must be 1-200 of [A-Za-z0-9._-], was '" + name + "'");
    }
    return name;
  }
}
