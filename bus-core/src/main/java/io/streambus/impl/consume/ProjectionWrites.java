package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.ModelWrites;
import io.streambus.Topics;
import io.streambus.impl.connection.ServiceLimits;
import io.streambus.impl.wire.ModelCommand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes a projection adds for one delivery, checked as they are added (the command, its arguments, the key's hash
 * tag and that it is not one of the bus's keys), and encoded for project.lua. The first refusal is kept: the delivery
 * is dead-lettered for it even if the projection caught the exception.
 */
final class ProjectionWrites implements ModelWrites {
  /**
   * The most arguments and model keys the writes of one delivery may have: the step adds its name, the bus's keys and
   * its fixed arguments, and must stay within {@link ServiceLimits#MAX_ARGUMENTS}.
   */
  static final int MAX_WRITE_ARGS = ServiceLimits.MAX_ARGUMENTS - 20;
  private final String prefix;
  private final String topic;
  private final int partition;
  private final String tag;
  /** The partition's stream key: it and every key that extends it belong to the bus, apart from the model keys. */
  private final String busKeys;
  private final String modelKeys;
  /** Model key to its number in project.lua's model keys (from 1), in order of first use. */
  private final Map<String, Integer> keys = new LinkedHashMap<>();
  /** Per write: command, key number, argument count, arguments. */
  private final List<String> encoded = new ArrayList<>();
  private int size;
  private String refused;

  ProjectionWrites(String prefix, String topic, int partition) {
    this.prefix = prefix;
    this.topic = topic;
    this.partition = partition;
    this.tag = Topics.hashTag(topic, partition);
    this.busKeys = prefix + ":" + tag;
    this.modelKeys = Topics.modelKey(prefix, topic, partition, "");
  }

  @Override
  public String hashTag() {
    return tag;
  }

  @Override
  public String key(String name) {
    if (name == null || name.isEmpty()) {
      throw refuse("a model name must not be empty");
    }
    return Topics.modelKey(prefix, topic, partition, name);
  }

  @Override
  public ModelWrites command(String command, String key, String... args) {
    if (refused != null) {
      throw new BusException.InvalidWrite(refused);
    }
    ModelCommand c = ModelCommand.named(command);
    if (c == null) {
      throw refuse("command '" + command + "' is not accepted in a projection (see ModelWrites)");
    }
    String[] a = args == null ? new String[0] : args;
    String why = c.refusal(a);
    if (why != null) {
      throw refuse(c + " " + key + ": " + why);
    }
    String keyRefusal = keyRefusal(key);
    if (keyRefusal != null) {
      throw refuse(c + ": " + keyRefusal);
    }
    if (encoded.size() + keys.size() + 3 + a.length + 1 > MAX_WRITE_ARGS) {
      throw refuse("the writes of one delivery may have " + MAX_WRITE_ARGS + " arguments and keys in all: a request of"
          + " more than " + ServiceLimits.MAX_ARGUMENTS + " arguments is refused by ElastiCache Serverless");
    }
    int number = keys.computeIfAbsent(key, k -> keys.size() + 1);
    encoded.add(c.name());
    encoded.add(Integer.toString(number));
    encoded.add(Integer.toString(a.length));
    encoded.addAll(Arrays.asList(a));
    size++;
    return this;
  }

  /** Why {@code key} may not be written by this partition's projection, or null. */
  private String keyRefusal(String key) {
    if (key == null || key.isEmpty()) {
      return "no key";
    }
    // a UTF-8 character is at most 3 bytes per UTF-16 unit: most keys need no encoding to pass
    if (key.length() * 3 > ServiceLimits.MAX_KEY_BYTES
        && key.getBytes(StandardCharsets.UTF_8).length > ServiceLimits.MAX_KEY_BYTES) {
      return "key '" + key.substring(0, 60) + "...' is longer than " + ServiceLimits.MAX_KEY_BYTES + " bytes"
          + " (ElastiCache Serverless refuses keys over 4 KiB)";
    }
    String keyTag = hashTagOf(key);
    if (!tag.equals("{" + keyTag + "}")) {
      return "key '" + key + "' is outside partition " + partition + "'s slot: it must carry the hash tag " + tag
          + " (build it with ModelWrites.key(name)), " + (keyTag == null ? "it has none" : "it has {" + keyTag + "}");
    }
    if (key.startsWith(busKeys) && !key.startsWith(modelKeys)) {
      return "key '" + key + "' belongs to the bus (model keys start with " + modelKeys + ")";
    }
    return null;
  }

  /** Redis Cluster's rule: the text between the first '{' and the next '}', if not empty; else null. */
  static String hashTagOf(String key) {
    int open = key.indexOf('{');
    if (open < 0) {
      return null;
    }
    int close = key.indexOf('}', open + 1);
    return close <= open + 1 ? null : key.substring(open + 1, close);
  }

  private BusException.InvalidWrite refuse(String reason) {
    if (refused == null) {
      refused = reason;
    }
    return new BusException.InvalidWrite(reason);
  }

  @Override
  public int size() {
    return size;
  }

  /** The first refusal, or null when every write was accepted. */
  String refused() {
    return refused;
  }

  /** The model keys, in the order project.lua numbers them. */
  List<String> keys() {
    return new ArrayList<>(keys.keySet());
  }

  /** The encoded writes (project.lua's arguments after the fixed ones). */
  List<String> encoded() {
    return encoded;
  }
}
