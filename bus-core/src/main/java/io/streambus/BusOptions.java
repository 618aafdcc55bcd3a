package io.streambus;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The options of a bus, by concern: where Redis is and how to reach it ({@link #getConnection()}), how topics are
 * laid out and trimmed ({@link #getTopics()}), how messages are published ({@link #getPublish()}), and how requests
 * wait for their replies ({@link #getRequests()}). Each part
 * validates its own fields and is converted to JSON by a generated converter; a refused field is reported as an
 * {@link OptionException} whose {@link OptionException#field() field} names it ({@code publish.publishTimeoutMs}).
 *
 * <p>The setters and getters of the single fields on this class ({@link #setPartitions}, {@link #setConnectionString}
 * ...) are kept for existing code and do what the part's setter of the same name does; new code sets the parts:
 * {@code new BusOptions().setConnection(new ConnectionOptions().setConnectionString(url))}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class BusOptions {
  /** Default Redis: {@value}. */
  public static final String DEFAULT_CONNECTION_STRING = ConnectionOptions.DEFAULT_CONNECTION_STRING;
  /** Default prefix of every key the bus writes: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = TopicOptions.DEFAULT_KEY_PREFIX;
  /** Default partitions per topic: {@value}. */
  public static final int DEFAULT_PARTITIONS = TopicOptions.DEFAULT_PARTITIONS;
  /** Default publish deadline: {@value} ms. */
  public static final long DEFAULT_PUBLISH_TIMEOUT_MS = PublishOptions.DEFAULT_PUBLISH_TIMEOUT_MS;
  /** Default bound of publishes waiting for Redis: {@value}. */
  public static final int DEFAULT_MAX_PENDING_PUBLISHES = PublishOptions.DEFAULT_MAX_PENDING_PUBLISHES;
  /** Default period of trimming: {@value} ms. */
  public static final long DEFAULT_TRIM_INTERVAL_MS = TopicOptions.DEFAULT_TRIM_INTERVAL_MS;
  /** Default time {@link TrimPolicy#RETENTION} keeps: {@value} ms (7 days). */
  public static final long DEFAULT_RETENTION_MS = TopicOptions.DEFAULT_RETENTION_MS;
  /** Default idempotency window: {@value} ms (24 h). */
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = PublishOptions.DEFAULT_IDEMPOTENCY_WINDOW_MS;
  /** Default first reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_INITIAL_MS = ConnectionOptions.DEFAULT_RECONNECT_INITIAL_MS;
  /** Default longest reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_MAX_MS = ConnectionOptions.DEFAULT_RECONNECT_MAX_MS;

  /** How Redis is deployed. */
  public enum Topology { STANDALONE, CLUSTER, SENTINEL }

  /** What trimming may remove from a partition's stream. */
  public enum TrimPolicy {
    /** Never trim: the stream keeps every entry (event sourcing, replay from the beginning). */
    NONE,
    /** Remove entries that every group of the stream has acknowledged; nothing is trimmed while no group exists. */
    ACKED,
    /**
     * Keep the stream at most {@link TopicOptions#getMaxLen()} long, even if groups have not read or acknowledged what
     * is cut; every such unread or unacknowledged entry dropped is counted in {@code streambus.trimmed.unacked}.
     */
    MAXLEN,
    /**
     * Keep at least the last {@link TopicOptions#getRetentionMs()} of entries (by their ids' time, Redis's clock), and
     * beyond it only what a group still needs: the cut is the earlier of (now - retention) and the oldest entry any
     * group has not yet been delivered or has pending; everything after an entry a group needs stays, whatever its
     * age. Without a group, everything older than the retention goes. For event sourcing: a new group, or a replay
     * from the start, finds at least the retention's worth of history.
     */
    RETENTION
  }

  /**
   * A topic's own trimming, which replaces the bus-wide policy for that topic ({@link TopicOptions#setTopicTrim}).
   * Build one with {@link #none()}, {@link #acked()}, {@link #maxLen(long)} or {@link #retention(Duration)}.
   *
   * @param policy what trimming removes
   * @param maxLen the length cap, for {@link TrimPolicy#MAXLEN} (else 0)
   * @param retentionMs the time kept, in ms, for {@link TrimPolicy#RETENTION} (else 0)
   */
  @DataObject
  public record TopicTrim(TrimPolicy policy, long maxLen, long retentionMs) {
    /**
     * Reads {@code {"policy": "maxlen", "maxLen": 1000}} or {@code {"policy": "retention", "retentionMs": ...}}.
     *
     * @throws OptionException when the policy is unknown
     */
    public static TopicTrim fromJson(JsonObject json) {
      return new TopicTrim(policyOf(json), json.getLong("maxLen", 0L), json.getLong("retentionMs", 0L));
    }

    private static TrimPolicy policyOf(JsonObject json) {
      String policy = json.getString("policy");
      try {
        return policy == null ? null : TrimPolicy.valueOf(policy.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new OptionException("topics.topicTrims", "topicTrims: policy must be one of "
            + List.of(TrimPolicy.values()) + ", was '" + policy + "'");
      }
    }

    /** Never trim the topic. */
    public static TopicTrim none() {
      return new TopicTrim(TrimPolicy.NONE, 0, 0);
    }

    /** Trim what every group acknowledged. */
    public static TopicTrim acked() {
      return new TopicTrim(TrimPolicy.ACKED, 0, 0);
    }

    /** Cap each partition at {@code maxLen} entries (see {@link TrimPolicy#MAXLEN}). */
    public static TopicTrim maxLen(long maxLen) {
      return new TopicTrim(TrimPolicy.MAXLEN, maxLen, 0);
    }

    /** Keep at least {@code retention} of entries, and what groups still need (see {@link TrimPolicy#RETENTION}). */
    public static TopicTrim retention(Duration retention) {
      return new TopicTrim(TrimPolicy.RETENTION, 0, retention.toMillis());
    }

    /** The policy, and its limit when it has one. */
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("policy", policy == null ? null : policy.name());
      if (policy == TrimPolicy.MAXLEN) {
        json.put("maxLen", maxLen);
      } else if (policy == TrimPolicy.RETENTION) {
        json.put("retentionMs", retentionMs);
      }
      return json;
    }
  }

  private ConnectionOptions connection;
  private TopicOptions topics;
  private PublishOptions publish;
  private RequestOptions requests;

  /** The defaults of every part. */
  public BusOptions() {
    connection = new ConnectionOptions();
    topics = new TopicOptions();
    publish = new PublishOptions();
    requests = new RequestOptions();
  }

  /** A deep copy of {@code other}. */
  public BusOptions(BusOptions other) {
    connection = new ConnectionOptions(other.connection);
    topics = new TopicOptions(other.topics);
    publish = new PublishOptions(other.publish);
    requests = new RequestOptions(other.requests);
  }

  /**
   * Reads what {@link #toJson()} writes: {@code {"connection": {...}, "topics": {...}, "publish": {...},
   * "requests": {...}}}; missing
   * fields keep their defaults. The single fields of earlier versions at the top ({@code {"partitions": 4}},
   * {@code connectionString} for one endpoint) are read into their part as well.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public BusOptions(JsonObject json) {
    this();
    JsonObject parts = LegacyBusJson.nest(json);
    OptionsJson.read("", parts, this, BusOptionsConverter::fromJson);
    OptionsJson.verify("", parts, toJson());
  }

  /** Every option, by part. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    BusOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * Validates every part.
   *
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public BusOptions validate() {
    if (connection == null || topics == null || publish == null || requests == null) {
      throw new OptionException(connection == null ? "connection" : topics == null ? "topics"
          : publish == null ? "publish" : "requests", "the connection, topics, publish and requests options must not be"
          + " null");
    }
    connection.validate();
    topics.validate();
    publish.validate();
    requests.validate();
    return this;
  }

  /** {@code s} with any password replaced by {@code ***}, for messages and logs. */
  public static String redact(String s) {
    return s == null ? null : s.replaceAll("(://[^:/@]*:)[^@]*@", "$1***@");
  }

  /** Where Redis is and how the bus connects (the object itself: changes to it change these options). */
  public ConnectionOptions getConnection() {
    return connection;
  }

  /**
   * Sets where Redis is and how the bus connects (kept as given, not copied).
   *
   * @return this
   */
  public BusOptions setConnection(ConnectionOptions connection) {
    this.connection = connection;
    return this;
  }

  /** How topics are laid out and trimmed (the object itself). */
  public TopicOptions getTopics() {
    return topics;
  }

  /**
   * Sets how topics are laid out and trimmed (kept as given, not copied).
   *
   * @return this
   */
  public BusOptions setTopics(TopicOptions topics) {
    this.topics = topics;
    return this;
  }

  /** How messages are published (the object itself). */
  public PublishOptions getPublish() {
    return publish;
  }

  /**
   * Sets how messages are published (kept as given, not copied).
   *
   * @return this
   */
  public BusOptions setPublish(PublishOptions publish) {
    this.publish = publish;
    return this;
  }

  /** How requests wait for their replies (the object itself). */
  public RequestOptions getRequests() {
    return requests;
  }

  /**
   * Sets how requests wait for their replies (kept as given, not copied).
   *
   * @return this
   */
  public BusOptions setRequests(RequestOptions requests) {
    this.requests = requests;
    return this;
  }

  // The single fields of earlier versions: each does what the part's method of the same name does.

  /** {@link ConnectionOptions#getConnectionString()}. */
  @GenIgnore
  public String getConnectionString() {
    return connection.getConnectionString();
  }

  /** {@link ConnectionOptions#setConnectionString(String)}; returns this. */
  @GenIgnore
  public BusOptions setConnectionString(String connectionString) {
    connection.setConnectionString(connectionString);
    return this;
  }

  /** {@link ConnectionOptions#getConnectionStrings()}. */
  @GenIgnore
  public List<String> getConnectionStrings() {
    return connection.getConnectionStrings();
  }

  /** {@link ConnectionOptions#setConnectionStrings(List)}; returns this. */
  @GenIgnore
  public BusOptions setConnectionStrings(List<String> connectionStrings) {
    connection.setConnectionStrings(connectionStrings);
    return this;
  }

  /** {@link ConnectionOptions#getTopology()}. */
  @GenIgnore
  public Topology getTopology() {
    return connection.getTopology();
  }

  /** {@link ConnectionOptions#setTopology(Topology)}; returns this. */
  @GenIgnore
  public BusOptions setTopology(Topology topology) {
    connection.setTopology(topology);
    return this;
  }

  /** {@link ConnectionOptions#getSentinelMasterName()}. */
  @GenIgnore
  public String getSentinelMasterName() {
    return connection.getSentinelMasterName();
  }

  /** {@link ConnectionOptions#setSentinelMasterName(String)}; returns this. */
  @GenIgnore
  public BusOptions setSentinelMasterName(String sentinelMasterName) {
    connection.setSentinelMasterName(sentinelMasterName);
    return this;
  }

  /** {@link ConnectionOptions#getTlsCaPemPath()}. */
  @GenIgnore
  public String getTlsCaPemPath() {
    return connection.getTlsCaPemPath();
  }

  /** {@link ConnectionOptions#setTlsCaPemPath(String)}; returns this. */
  @GenIgnore
  public BusOptions setTlsCaPemPath(String tlsCaPemPath) {
    connection.setTlsCaPemPath(tlsCaPemPath);
    return this;
  }

  /** {@link ConnectionOptions#getTlsCertPemPath()}. */
  @GenIgnore
  public String getTlsCertPemPath() {
    return connection.getTlsCertPemPath();
  }

  /** {@link ConnectionOptions#setTlsCertPemPath(String)}; returns this. */
  @GenIgnore
  public BusOptions setTlsCertPemPath(String tlsCertPemPath) {
    connection.setTlsCertPemPath(tlsCertPemPath);
    return this;
  }

  /** {@link ConnectionOptions#getTlsKeyPemPath()}. */
  @GenIgnore
  public String getTlsKeyPemPath() {
    return connection.getTlsKeyPemPath();
  }

  /** {@link ConnectionOptions#setTlsKeyPemPath(String)}; returns this. */
  @GenIgnore
  public BusOptions setTlsKeyPemPath(String tlsKeyPemPath) {
    connection.setTlsKeyPemPath(tlsKeyPemPath);
    return this;
  }

  /** {@link ConnectionOptions#isTlsVerifyHostname()}. */
  @GenIgnore
  public boolean isTlsVerifyHostname() {
    return connection.isTlsVerifyHostname();
  }

  /** {@link ConnectionOptions#setTlsVerifyHostname(boolean)}; returns this. */
  @GenIgnore
  public BusOptions setTlsVerifyHostname(boolean tlsVerifyHostname) {
    connection.setTlsVerifyHostname(tlsVerifyHostname);
    return this;
  }

  /** {@link ConnectionOptions#getReconnectInitialMs()}. */
  @GenIgnore
  public long getReconnectInitialMs() {
    return connection.getReconnectInitialMs();
  }

  /** {@link ConnectionOptions#setReconnectInitialMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setReconnectInitialMs(long reconnectInitialMs) {
    connection.setReconnectInitialMs(reconnectInitialMs);
    return this;
  }

  /** {@link ConnectionOptions#getReconnectMaxMs()}. */
  @GenIgnore
  public long getReconnectMaxMs() {
    return connection.getReconnectMaxMs();
  }

  /** {@link ConnectionOptions#setReconnectMaxMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setReconnectMaxMs(long reconnectMaxMs) {
    connection.setReconnectMaxMs(reconnectMaxMs);
    return this;
  }

  /** {@link TopicOptions#getKeyPrefix()}. */
  @GenIgnore
  public String getKeyPrefix() {
    return topics.getKeyPrefix();
  }

  /** {@link TopicOptions#setKeyPrefix(String)}; returns this. */
  @GenIgnore
  public BusOptions setKeyPrefix(String keyPrefix) {
    topics.setKeyPrefix(keyPrefix);
    return this;
  }

  /** {@link TopicOptions#getPartitions()}. */
  @GenIgnore
  public int getPartitions() {
    return topics.getPartitions();
  }

  /** {@link TopicOptions#setPartitions(int)}; returns this. */
  @GenIgnore
  public BusOptions setPartitions(int partitions) {
    topics.setPartitions(partitions);
    return this;
  }

  /** {@link TopicOptions#getTopicPartitions()}. */
  @GenIgnore
  public Map<String, Integer> getTopicPartitions() {
    return topics.getTopicPartitions();
  }

  /** {@link TopicOptions#setTopicPartitions(Map)}; returns this. */
  @GenIgnore
  public BusOptions setTopicPartitions(Map<String, Integer> topicPartitions) {
    topics.setTopicPartitions(topicPartitions);
    return this;
  }

  /** {@link TopicOptions#partitionsOf(String)}. */
  public int partitionsOf(String topic) {
    return topics.partitionsOf(topic);
  }

  /** {@link TopicOptions#getTrimPolicy()}. */
  @GenIgnore
  public TrimPolicy getTrimPolicy() {
    return topics.getTrimPolicy();
  }

  /** {@link TopicOptions#setTrimPolicy(TrimPolicy)}; returns this. */
  @GenIgnore
  public BusOptions setTrimPolicy(TrimPolicy trimPolicy) {
    topics.setTrimPolicy(trimPolicy);
    return this;
  }

  /** {@link TopicOptions#getMaxLen()}. */
  @GenIgnore
  public long getMaxLen() {
    return topics.getMaxLen();
  }

  /** {@link TopicOptions#setMaxLen(long)}; returns this. */
  @GenIgnore
  public BusOptions setMaxLen(long maxLen) {
    topics.setMaxLen(maxLen);
    return this;
  }

  /** {@link TopicOptions#getRetentionMs()}. */
  @GenIgnore
  public long getRetentionMs() {
    return topics.getRetentionMs();
  }

  /** {@link TopicOptions#setRetentionMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setRetentionMs(long retentionMs) {
    topics.setRetentionMs(retentionMs);
    return this;
  }

  /** {@link TopicOptions#getTopicTrims()}. */
  @GenIgnore
  public Map<String, TopicTrim> getTopicTrims() {
    return topics.getTopicTrims();
  }

  /** {@link TopicOptions#setTopicTrim(String, TopicTrim)}; returns this. */
  @GenIgnore
  public BusOptions setTopicTrim(String topic, TopicTrim trim) {
    topics.setTopicTrim(topic, trim);
    return this;
  }

  /** {@link TopicOptions#trimOf(String)}. */
  public TopicTrim trimOf(String topic) {
    return topics.trimOf(topic);
  }

  /** {@link TopicOptions#getTrimIntervalMs()}. */
  @GenIgnore
  public long getTrimIntervalMs() {
    return topics.getTrimIntervalMs();
  }

  /** {@link TopicOptions#setTrimIntervalMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setTrimIntervalMs(long trimIntervalMs) {
    topics.setTrimIntervalMs(trimIntervalMs);
    return this;
  }

  /** {@link PublishOptions#getPublishTimeoutMs()}. */
  @GenIgnore
  public long getPublishTimeoutMs() {
    return publish.getPublishTimeoutMs();
  }

  /** {@link PublishOptions#setPublishTimeoutMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setPublishTimeoutMs(long publishTimeoutMs) {
    publish.setPublishTimeoutMs(publishTimeoutMs);
    return this;
  }

  /** {@link PublishOptions#getMaxPendingPublishes()}. */
  @GenIgnore
  public int getMaxPendingPublishes() {
    return publish.getMaxPendingPublishes();
  }

  /** {@link PublishOptions#setMaxPendingPublishes(int)}; returns this. */
  @GenIgnore
  public BusOptions setMaxPendingPublishes(int maxPendingPublishes) {
    publish.setMaxPendingPublishes(maxPendingPublishes);
    return this;
  }

  /** {@link PublishOptions#getPublishWaitReplicas()}. */
  @GenIgnore
  public int getPublishWaitReplicas() {
    return publish.getPublishWaitReplicas();
  }

  /** {@link PublishOptions#setPublishWaitReplicas(int)}; returns this. */
  @GenIgnore
  public BusOptions setPublishWaitReplicas(int publishWaitReplicas) {
    publish.setPublishWaitReplicas(publishWaitReplicas);
    return this;
  }

  /** {@link PublishOptions#getIdempotencyWindowMs()}. */
  @GenIgnore
  public long getIdempotencyWindowMs() {
    return publish.getIdempotencyWindowMs();
  }

  /** {@link PublishOptions#setIdempotencyWindowMs(long)}; returns this. */
  @GenIgnore
  public BusOptions setIdempotencyWindowMs(long idempotencyWindowMs) {
    publish.setIdempotencyWindowMs(idempotencyWindowMs);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BusOptions other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  /** The JSON, with any password in the endpoints replaced by {@code ***}. */
  @Override
  public String toString() {
    return new JsonObject().put("connection", new JsonObject(connection.toString()))
        .put("topics", topics.toJson()).put("publish", publish.toJson()).put("requests", requests.toJson()).encode();
  }
}
