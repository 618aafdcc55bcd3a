package io.streambus;

import io.streambus.BusOptions.TopicTrim;
import io.streambus.BusOptions.TrimPolicy;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the bus lays out topics in Redis and trims them: the key prefix, the partition counts, and what trimming may
 * remove. Part of {@link BusOptions} ({@link BusOptions#getTopics()}); its JSON is the {@code topics} object of the
 * bus's. All times are in milliseconds.
 */
@DataObject
@JsonGen(publicConverter = false)
public class TopicOptions {
  /** Default prefix of every key the bus writes: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "bus";
  /** Default partitions per topic: {@value}. */
  public static final int DEFAULT_PARTITIONS = 1;
  /** Default period of trimming: {@value} ms. */
  public static final long DEFAULT_TRIM_INTERVAL_MS = 10_000;
  /** Default time {@link TrimPolicy#RETENTION} keeps: {@value} ms (7 days). */
  public static final long DEFAULT_RETENTION_MS = 604_800_000;
  /** Partitions of a topic: 1 to 1,024. */
  public static final OptionRange PARTITIONS = OptionRange.of(1, 1024);
  /** The trimming period: 1 ms to a day. */
  public static final OptionRange TRIM_INTERVAL_MS = OptionRange.of(1, 86_400_000);
  /** The length cap of {@link TrimPolicy#MAXLEN}: at least 1 entry. */
  public static final OptionRange MAX_LEN = OptionRange.atLeast(1);
  /** The time {@link TrimPolicy#RETENTION} keeps: at least 1 ms. */
  public static final OptionRange RETENTION_MS = OptionRange.atLeast(1);

  private String keyPrefix;
  private int partitions;
  private Map<String, Integer> topicPartitions;
  private TrimPolicy trimPolicy;
  private long maxLen;
  private long retentionMs;
  private Map<String, TopicTrim> topicTrims;
  private long trimIntervalMs;

  /** The defaults: prefix {@value #DEFAULT_KEY_PREFIX}, one partition per topic, {@link TrimPolicy#ACKED}. */
  public TopicOptions() {
    keyPrefix = DEFAULT_KEY_PREFIX;
    partitions = DEFAULT_PARTITIONS;
    topicPartitions = new LinkedHashMap<>();
    trimPolicy = TrimPolicy.ACKED;
    retentionMs = DEFAULT_RETENTION_MS;
    topicTrims = new LinkedHashMap<>();
    trimIntervalMs = DEFAULT_TRIM_INTERVAL_MS;
  }

  /** A copy of {@code other}. */
  public TopicOptions(TopicOptions other) {
    this(other.toJson());
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public TopicOptions(JsonObject json) {
    this();
    OptionsJson.read("topics.", json, this, TopicOptionsConverter::fromJson);
    OptionsJson.verify("topics.", json, toJson());
  }

  /** Every option as JSON. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    TopicOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public TopicOptions validate() {
    if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new OptionException("topics.keyPrefix",
          "keyPrefix must be 1-64 of [A-Za-z0-9._-], was '" + keyPrefix + "'");
    }
    PARTITIONS.check("topics.partitions", partitions);
    topicPartitions.forEach((topic, p) -> {
      if (!Topics.isValidName(topic)) {
        throw new OptionException("topics.topicPartitions", "topicPartitions: invalid topic name '" + topic + "'");
      }
      if (p == null || !PARTITIONS.contains(p)) {
        throw new OptionException("topics.topicPartitions",
            "topicPartitions." + topic + " must be " + PARTITIONS + ", was " + p);
      }
    });
    if (trimPolicy == null) {
      throw new OptionException("topics.trimPolicy", "trimPolicy must not be null");
    }
    if (trimPolicy == TrimPolicy.MAXLEN && !MAX_LEN.contains(maxLen)) {
      throw new OptionException("topics.maxLen", "maxLen must be >= 1 when trimPolicy is MAXLEN, was " + maxLen);
    }
    if (trimPolicy == TrimPolicy.RETENTION && !RETENTION_MS.contains(retentionMs)) {
      throw new OptionException("topics.retentionMs",
          "retentionMs must be >= 1 when trimPolicy is RETENTION, was " + retentionMs);
    }
    topicTrims.forEach(TopicOptions::validateTopicTrim);
    TRIM_INTERVAL_MS.check("topics.trimIntervalMs", trimIntervalMs);
    return this;
  }

  private static void validateTopicTrim(String topic, TopicTrim trim) {
    String field = "topics.topicTrims";
    if (!Topics.isValidName(topic)) {
      throw new OptionException(field, "topicTrims: invalid topic name '" + topic + "'");
    }
    if (trim == null || trim.policy() == null) {
      throw new OptionException(field, "topicTrims." + topic + ".policy must not be null");
    }
    if (trim.policy() == TrimPolicy.MAXLEN && !MAX_LEN.contains(trim.maxLen())) {
      throw new OptionException(field,
          "topicTrims." + topic + ".maxLen must be >= 1 when its policy is MAXLEN, was " + trim.maxLen());
    }
    if (trim.policy() == TrimPolicy.RETENTION && !RETENTION_MS.contains(trim.retentionMs())) {
      throw new OptionException(field, "topicTrims." + topic
          + ".retentionMs must be >= 1 when its policy is RETENTION, was " + trim.retentionMs());
    }
  }

  /** Prefix of every key: stream {@code <prefix>:{<topic>:<p>}}. */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /**
   * Sets the prefix of every key the bus writes (1-64 of {@code [A-Za-z0-9._-]}). Buses that share topics must share
   * it; buses with different prefixes share nothing. Default {@value #DEFAULT_KEY_PREFIX}.
   *
   * @return this
   */
  public TopicOptions setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
    return this;
  }

  /** Partitions of a topic not named in {@link #getTopicPartitions()}. */
  public int getPartitions() {
    return partitions;
  }

  /**
   * Sets the partitions of a topic not named in {@link #getTopicPartitions()}, in {@link #PARTITIONS}. Publishers and
   * consumers of one topic must agree; the first one to use a topic records its count in Redis and later users with
   * another count fail with an error naming both. Default {@value #DEFAULT_PARTITIONS}.
   *
   * @return this
   */
  public TopicOptions setPartitions(int partitions) {
    this.partitions = partitions;
    return this;
  }

  /** Per-topic partition counts, by topic name. */
  public Map<String, Integer> getTopicPartitions() {
    return topicPartitions;
  }

  /**
   * Sets per-topic partition counts (a copy of the map is kept), each in {@link #PARTITIONS}; other topics have
   * {@link #getPartitions()}.
   *
   * @return this
   */
  public TopicOptions setTopicPartitions(Map<String, Integer> topicPartitions) {
    this.topicPartitions = new LinkedHashMap<>(topicPartitions);
    return this;
  }

  /** The partition count used for {@code topic}. */
  public int partitionsOf(String topic) {
    return topicPartitions.getOrDefault(topic, partitions);
  }

  /** What trimming removes from topics without a trimming of their own. */
  public TrimPolicy getTrimPolicy() {
    return trimPolicy;
  }

  /**
   * Sets what trimming removes from topics without a {@link #setTopicTrim topic trim} of their own; default
   * {@link TrimPolicy#ACKED}. Each process trims each topic it publishes to or consumes, every
   * {@link #getTrimIntervalMs()}.
   *
   * @return this
   */
  public TopicOptions setTrimPolicy(TrimPolicy trimPolicy) {
    this.trimPolicy = trimPolicy;
    return this;
  }

  /** Length cap of each partition's stream for {@link TrimPolicy#MAXLEN}. */
  public long getMaxLen() {
    return maxLen;
  }

  /**
   * Sets the length cap of each partition's stream for {@link TrimPolicy#MAXLEN}: in {@link #MAX_LEN} when that is
   * the policy ({@link #validate()}), ignored otherwise. Default 0 (unset).
   *
   * @return this
   */
  public TopicOptions setMaxLen(long maxLen) {
    this.maxLen = maxLen;
    return this;
  }

  /** How much {@link TrimPolicy#RETENTION} keeps at least, in ms. */
  public long getRetentionMs() {
    return retentionMs;
  }

  /**
   * Sets how much {@link TrimPolicy#RETENTION} keeps at least, for topics without a trimming of their own: in
   * {@link #RETENTION_MS} when that is the policy. Default {@value #DEFAULT_RETENTION_MS} ms (7 days).
   *
   * @return this
   */
  public TopicOptions setRetentionMs(long retentionMs) {
    this.retentionMs = retentionMs;
    return this;
  }

  /** The topics with a trimming of their own, by topic name. */
  public Map<String, TopicTrim> getTopicTrims() {
    return topicTrims;
  }

  /**
   * Sets every topic's own trimming at once (a copy of the map is kept), replacing those set before; see
   * {@link #setTopicTrim}.
   *
   * @return this
   */
  public TopicOptions setTopicTrims(Map<String, TopicTrim> topicTrims) {
    this.topicTrims = new LinkedHashMap<>(topicTrims);
    return this;
  }

  /**
   * Trims {@code topic} as {@code trim} says instead of by the bus-wide {@link #getTrimPolicy()} (for example
   * {@code setTopicTrim("events", TopicTrim.retention(Duration.ofDays(30)))} beside a bus-wide
   * {@link TrimPolicy#ACKED}); {@code null} removes the override. Checked by {@link #validate()}: a valid topic name,
   * a policy, and the policy's limit at least 1.
   *
   * @return this
   */
  @GenIgnore
  public TopicOptions setTopicTrim(String topic, TopicTrim trim) {
    if (trim == null) {
      topicTrims.remove(topic);
    } else {
      topicTrims.put(topic, trim);
    }
    return this;
  }

  /** How {@code topic} is trimmed: its own {@link TopicTrim}, else the bus-wide policy with its limit. */
  public TopicTrim trimOf(String topic) {
    TopicTrim own = topicTrims.get(topic);
    if (own != null) {
      return own;
    }
    return new TopicTrim(trimPolicy, trimPolicy == TrimPolicy.MAXLEN ? maxLen : 0,
        trimPolicy == TrimPolicy.RETENTION ? retentionMs : 0);
  }

  /** How often a partition is trimmed, in ms. */
  public long getTrimIntervalMs() {
    return trimIntervalMs;
  }

  /**
   * Sets how often each process trims each partition it uses, in {@link #TRIM_INTERVAL_MS}. Default
   * {@value #DEFAULT_TRIM_INTERVAL_MS} ms.
   *
   * @return this
   */
  public TopicOptions setTrimIntervalMs(long trimIntervalMs) {
    this.trimIntervalMs = trimIntervalMs;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicOptions other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
