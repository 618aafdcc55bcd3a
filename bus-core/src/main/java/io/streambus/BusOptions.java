package io.streambus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.streambus.RetryOptions.require;

/**
 * Where Redis is and how the bus lays out and publishes to topics. Defaults are the {@code DEFAULT_*} constants; all
 * times are in milliseconds.
 */
public class BusOptions {
  /** Default Redis: {@value}. */
  public static final String DEFAULT_CONNECTION_STRING = "redis://127.0.0.1:6379";
  /** Default prefix of every key the bus writes: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "bus";
  /** Default partitions per topic: {@value}. */
  public static final int DEFAULT_PARTITIONS = 1;
  /** Default publish deadline: {@value} ms. */
  public static final long DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
  /** Default bound of publishes waiting for Redis: {@value}. */
  public static final int DEFAULT_MAX_PENDING_PUBLISHES = 10_000;
  /** Default period of trimming: {@value} ms. */
  public static final long DEFAULT_TRIM_INTERVAL_MS = 10_000;
  /** Default time {@link TrimPolicy#RETENTION} keeps: {@value} ms (7 days). */
  public static final long DEFAULT_RETENTION_MS = 604_800_000;
  /** Default idempotency window: {@value} ms (24 h). */
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = 86_400_000;
  /** Default first reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_INITIAL_MS = 50;
  /** Default longest reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_MAX_MS = 2_000;

  /** How Redis is deployed. */
  public enum Topology { STANDALONE, CLUSTER, SENTINEL }

  /** What trimming may remove from a partition's stream. */
  public enum TrimPolicy {
    /** Never trim: the stream keeps every entry (event sourcing, replay from the beginning). */
    NONE,
    /** Remove entries that every group of the stream has acknowledged; nothing is trimmed while no group exists. */
    ACKED,
    /**
     * Keep the stream at most {@link #getMaxLen()} long, even if groups have not read or acknowledged what is cut;
     * every such unread or unacknowledged entry dropped is counted in {@code streambus.trimmed.unacked}.
     */
    MAXLEN,
    /**
     * Keep at least the last {@link #getRetentionMs()} of entries (by their ids' time, Redis's clock), and beyond it
     * only what a group still needs: the cut is the earlier of (now - retention) and the oldest entry any group has
     * not yet been delivered or has pending; everything after an entry a group needs stays, whatever its age. Without
     * a group, everything older than the retention goes. For event sourcing: a new group, or a replay from the start,
     * finds at least the retention's worth of history.
     */
    RETENTION
  }

  /**
   * A topic's own trimming, which replaces the bus-wide policy for that topic ({@link #setTopicTrim}). Build one with
   * {@link #none()}, {@link #acked()}, {@link #maxLen(long)} or {@link #retention(Duration)}.
   *
   * @param policy what trimming removes
   * @param maxLen the length cap, for {@link TrimPolicy#MAXLEN} (else 0)
   * @param retentionMs the time kept, in ms, for {@link TrimPolicy#RETENTION} (else 0)
   */
  public record TopicTrim(TrimPolicy policy, long maxLen, long retentionMs) {
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

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("policy", policy == null ? null : policy.name());
      if (policy == TrimPolicy.MAXLEN) {
        json.put("maxLen", maxLen);
      } else if (policy == TrimPolicy.RETENTION) {
        json.put("retentionMs", retentionMs);
      }
      return json;
    }

    static TopicTrim fromJson(JsonObject json) {
      String policy = json.getString("policy");
      return new TopicTrim(policy == null ? null : TrimPolicy.valueOf(policy.toUpperCase()),
          json.getLong("maxLen", 0L), json.getLong("retentionMs", 0L));
    }
  }

  private List<String> connectionStrings;
  private Topology topology;
  private String sentinelMasterName;
  private String tlsCaPemPath;
  private String tlsCertPemPath;
  private String tlsKeyPemPath;
  private boolean tlsVerifyHostname;
  private String keyPrefix;
  private int partitions;
  private Map<String, Integer> topicPartitions;
  private long publishTimeoutMs;
  private int maxPendingPublishes;
  private int publishWaitReplicas;
  private long idempotencyWindowMs;
  private TrimPolicy trimPolicy;
  private long maxLen;
  private long retentionMs;
  private Map<String, TopicTrim> topicTrims;
  private long trimIntervalMs;
  private long reconnectInitialMs;
  private long reconnectMaxMs;

  public BusOptions() {
    connectionStrings = new ArrayList<>(List.of(DEFAULT_CONNECTION_STRING));
    topology = Topology.STANDALONE;
    tlsVerifyHostname = true;
    keyPrefix = DEFAULT_KEY_PREFIX;
    partitions = DEFAULT_PARTITIONS;
    topicPartitions = new LinkedHashMap<>();
    publishTimeoutMs = DEFAULT_PUBLISH_TIMEOUT_MS;
    maxPendingPublishes = DEFAULT_MAX_PENDING_PUBLISHES;
    idempotencyWindowMs = DEFAULT_IDEMPOTENCY_WINDOW_MS;
    trimPolicy = TrimPolicy.ACKED;
    retentionMs = DEFAULT_RETENTION_MS;
    topicTrims = new LinkedHashMap<>();
    trimIntervalMs = DEFAULT_TRIM_INTERVAL_MS;
    reconnectInitialMs = DEFAULT_RECONNECT_INITIAL_MS;
    reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
  }

  public BusOptions(BusOptions other) {
    connectionStrings = new ArrayList<>(other.connectionStrings);
    topology = other.topology;
    sentinelMasterName = other.sentinelMasterName;
    tlsCaPemPath = other.tlsCaPemPath;
    tlsCertPemPath = other.tlsCertPemPath;
    tlsKeyPemPath = other.tlsKeyPemPath;
    tlsVerifyHostname = other.tlsVerifyHostname;
    keyPrefix = other.keyPrefix;
    partitions = other.partitions;
    topicPartitions = new LinkedHashMap<>(other.topicPartitions);
    publishTimeoutMs = other.publishTimeoutMs;
    maxPendingPublishes = other.maxPendingPublishes;
    publishWaitReplicas = other.publishWaitReplicas;
    idempotencyWindowMs = other.idempotencyWindowMs;
    trimPolicy = other.trimPolicy;
    maxLen = other.maxLen;
    retentionMs = other.retentionMs;
    topicTrims = new LinkedHashMap<>(other.topicTrims);
    trimIntervalMs = other.trimIntervalMs;
    reconnectInitialMs = other.reconnectInitialMs;
    reconnectMaxMs = other.reconnectMaxMs;
  }

  /**
   * Reads every field {@link #toJson()} writes; missing fields keep their defaults. {@code connectionString} (one) is
   * accepted as well as {@code connectionStrings} (a list).
   */
  public BusOptions(JsonObject json) {
    this();
    if (json.getValue("connectionStrings") instanceof JsonArray list) {
      connectionStrings = new ArrayList<>();
      list.forEach(s -> connectionStrings.add(String.valueOf(s)));
    } else if (json.getString("connectionString") != null) {
      setConnectionString(json.getString("connectionString"));
    }
    if (json.getString("topology") != null) {
      topology = Topology.valueOf(json.getString("topology").toUpperCase());
    }
    sentinelMasterName = json.getString("sentinelMasterName", sentinelMasterName);
    tlsCaPemPath = json.getString("tlsCaPemPath", tlsCaPemPath);
    tlsCertPemPath = json.getString("tlsCertPemPath", tlsCertPemPath);
    tlsKeyPemPath = json.getString("tlsKeyPemPath", tlsKeyPemPath);
    tlsVerifyHostname = json.getBoolean("tlsVerifyHostname", tlsVerifyHostname);
    keyPrefix = json.getString("keyPrefix", keyPrefix);
    partitions = json.getInteger("partitions", partitions);
    JsonObject tp = json.getJsonObject("topicPartitions");
    if (tp != null) {
      tp.forEach(e -> topicPartitions.put(e.getKey(), ((Number) e.getValue()).intValue()));
    }
    publishTimeoutMs = json.getLong("publishTimeoutMs", publishTimeoutMs);
    maxPendingPublishes = json.getInteger("maxPendingPublishes", maxPendingPublishes);
    publishWaitReplicas = json.getInteger("publishWaitReplicas", publishWaitReplicas);
    idempotencyWindowMs = json.getLong("idempotencyWindowMs", idempotencyWindowMs);
    if (json.getString("trimPolicy") != null) {
      trimPolicy = TrimPolicy.valueOf(json.getString("trimPolicy").toUpperCase());
    }
    maxLen = json.getLong("maxLen", maxLen);
    retentionMs = json.getLong("retentionMs", retentionMs);
    JsonObject tt = json.getJsonObject("topicTrims");
    if (tt != null) {
      tt.fieldNames().forEach(topic -> topicTrims.put(topic, TopicTrim.fromJson(tt.getJsonObject(topic))));
    }
    trimIntervalMs = json.getLong("trimIntervalMs", trimIntervalMs);
    reconnectInitialMs = json.getLong("reconnectInitialMs", reconnectInitialMs);
    reconnectMaxMs = json.getLong("reconnectMaxMs", reconnectMaxMs);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("connectionStrings", new JsonArray(new ArrayList<>(connectionStrings)))
        .put("topology", topology.name());
    putIfSet(json, "sentinelMasterName", sentinelMasterName);
    putIfSet(json, "tlsCaPemPath", tlsCaPemPath);
    putIfSet(json, "tlsCertPemPath", tlsCertPemPath);
    putIfSet(json, "tlsKeyPemPath", tlsKeyPemPath);
    return json.put("tlsVerifyHostname", tlsVerifyHostname)
        .put("keyPrefix", keyPrefix)
        .put("partitions", partitions)
        .put("topicPartitions", new JsonObject(new LinkedHashMap<>(topicPartitions)))
        .put("publishTimeoutMs", publishTimeoutMs)
        .put("maxPendingPublishes", maxPendingPublishes)
        .put("publishWaitReplicas", publishWaitReplicas)
        .put("idempotencyWindowMs", idempotencyWindowMs)
        .put("trimPolicy", trimPolicy.name())
        .put("maxLen", maxLen)
        .put("retentionMs", retentionMs)
        .put("topicTrims", topicTrimsJson())
        .put("trimIntervalMs", trimIntervalMs)
        .put("reconnectInitialMs", reconnectInitialMs)
        .put("reconnectMaxMs", reconnectMaxMs);
  }

  private JsonObject topicTrimsJson() {
    JsonObject json = new JsonObject();
    topicTrims.forEach((topic, trim) -> json.put(topic, trim.toJson()));
    return json;
  }

  private static void putIfSet(JsonObject json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  /**
   * @return this
   * @throws IllegalArgumentException naming the first invalid field
   */
  public BusOptions validate() {
    require(connectionStrings != null && !connectionStrings.isEmpty(), "connectionStrings must not be empty");
    for (String s : connectionStrings) {
      validateConnectionString(s);
    }
    require(topology != null, "topology must not be null");
    require(topology != Topology.SENTINEL || sentinelMasterName != null,
        "sentinelMasterName is required when topology is SENTINEL");
    require((tlsCertPemPath == null) == (tlsKeyPemPath == null),
        "tlsCertPemPath and tlsKeyPemPath must be set together");
    require(keyPrefix != null && keyPrefix.matches("[A-Za-z0-9._-]{1,64}"),
        "keyPrefix must be 1-64 of [A-Za-z0-9._-], was '" + keyPrefix + "'");
    require(partitions >= 1 && partitions <= 1024, "partitions must be in 1..1024, was " + partitions);
    topicPartitions.forEach((topic, p) -> {
      require(Topics.isValidName(topic), "topicPartitions: invalid topic name '" + topic + "'");
      require(p != null && p >= 1 && p <= 1024, "topicPartitions." + topic + " must be in 1..1024, was " + p);
    });
    require(publishTimeoutMs >= 1, "publishTimeoutMs must be >= 1, was " + publishTimeoutMs);
    require(maxPendingPublishes >= 1, "maxPendingPublishes must be >= 1, was " + maxPendingPublishes);
    require(publishWaitReplicas >= 0, "publishWaitReplicas must be >= 0, was " + publishWaitReplicas);
    require(idempotencyWindowMs >= 1, "idempotencyWindowMs must be >= 1, was " + idempotencyWindowMs);
    require(trimPolicy != null, "trimPolicy must not be null");
    require(trimPolicy != TrimPolicy.MAXLEN || maxLen >= 1, "maxLen must be >= 1 when trimPolicy is MAXLEN");
    require(trimPolicy != TrimPolicy.RETENTION || retentionMs >= 1,
        "retentionMs must be >= 1 when trimPolicy is RETENTION, was " + retentionMs);
    topicTrims.forEach((topic, trim) -> {
      require(Topics.isValidName(topic), "topicTrims: invalid topic name '" + topic + "'");
      require(trim != null && trim.policy() != null, "topicTrims." + topic + ".policy must not be null");
      require(trim.policy() != TrimPolicy.MAXLEN || trim.maxLen() >= 1,
          "topicTrims." + topic + ".maxLen must be >= 1 when its policy is MAXLEN, was " + trim.maxLen());
      require(trim.policy() != TrimPolicy.RETENTION || trim.retentionMs() >= 1,
          "topicTrims." + topic + ".retentionMs must be >= 1 when its policy is RETENTION, was " + trim.retentionMs());
    });
    require(trimIntervalMs >= 1, "trimIntervalMs must be >= 1, was " + trimIntervalMs);
    require(reconnectInitialMs >= 1, "reconnectInitialMs must be >= 1, was " + reconnectInitialMs);
    require(reconnectMaxMs >= reconnectInitialMs, "reconnectMaxMs must be >= reconnectInitialMs");
    return this;
  }

  private static void validateConnectionString(String s) {
    require(s != null && !s.isBlank(), "connectionString must not be blank");
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("connectionString is not a URI: " + redact(s));
    }
    String scheme = uri.getScheme();
    require("redis".equals(scheme) || "rediss".equals(scheme) || "unix".equals(scheme),
        "connectionString must start with redis://, rediss:// or unix://, was " + redact(s));
    require("unix".equals(scheme) || uri.getHost() != null, "connectionString has no host: " + redact(s));
  }

  /** {@code s} with any password replaced by {@code ***}, for messages and logs. */
  public static String redact(String s) {
    return s == null ? null : s.replaceAll("(://[^:/@]*:)[^@]*@", "$1***@");
  }

  /** The first connection string. */
  public String getConnectionString() {
    return connectionStrings.get(0);
  }

  /**
   * One Redis endpoint: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS. Replaces the list.
   * Default {@value #DEFAULT_CONNECTION_STRING}.
   */
  public BusOptions setConnectionString(String connectionString) {
    this.connectionStrings = new ArrayList<>(List.of(connectionString));
    return this;
  }

  /** All endpoints: seed nodes of a cluster, or the sentinels. */
  public List<String> getConnectionStrings() {
    return connectionStrings;
  }

  public BusOptions setConnectionStrings(List<String> connectionStrings) {
    this.connectionStrings = new ArrayList<>(connectionStrings);
    return this;
  }

  /** Standalone (default), cluster or sentinel. */
  public Topology getTopology() {
    return topology;
  }

  public BusOptions setTopology(Topology topology) {
    this.topology = topology;
    return this;
  }

  /** The master name to ask the sentinels for (SENTINEL only). */
  public String getSentinelMasterName() {
    return sentinelMasterName;
  }

  public BusOptions setSentinelMasterName(String sentinelMasterName) {
    this.sentinelMasterName = sentinelMasterName;
    return this;
  }

  /** PEM file of the CA that signed Redis's certificate ({@code rediss://}); null trusts the JVM's default CAs. */
  public String getTlsCaPemPath() {
    return tlsCaPemPath;
  }

  public BusOptions setTlsCaPemPath(String tlsCaPemPath) {
    this.tlsCaPemPath = tlsCaPemPath;
    return this;
  }

  /** PEM client certificate, for Redis configured with {@code tls-auth-clients yes}. */
  public String getTlsCertPemPath() {
    return tlsCertPemPath;
  }

  public BusOptions setTlsCertPemPath(String tlsCertPemPath) {
    this.tlsCertPemPath = tlsCertPemPath;
    return this;
  }

  /** PEM private key of the client certificate. */
  public String getTlsKeyPemPath() {
    return tlsKeyPemPath;
  }

  public BusOptions setTlsKeyPemPath(String tlsKeyPemPath) {
    this.tlsKeyPemPath = tlsKeyPemPath;
    return this;
  }

  /** Whether the server certificate's host name must match the connection string's host. Default true. */
  public boolean isTlsVerifyHostname() {
    return tlsVerifyHostname;
  }

  public BusOptions setTlsVerifyHostname(boolean tlsVerifyHostname) {
    this.tlsVerifyHostname = tlsVerifyHostname;
    return this;
  }

  /** Prefix of every key: stream {@code <prefix>:{<topic>:<p>}}. Default {@value #DEFAULT_KEY_PREFIX}. */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  public BusOptions setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
    return this;
  }

  /**
   * Partitions of a topic not named in {@link #getTopicPartitions()}. Publishers and consumers of one topic must
   * agree; the first one to use a topic records its count in Redis and later users with another count fail with an
   * error naming both. Default {@value #DEFAULT_PARTITIONS}.
   */
  public int getPartitions() {
    return partitions;
  }

  public BusOptions setPartitions(int partitions) {
    this.partitions = partitions;
    return this;
  }

  /** Per-topic partition counts. */
  public Map<String, Integer> getTopicPartitions() {
    return topicPartitions;
  }

  public BusOptions setTopicPartitions(Map<String, Integer> topicPartitions) {
    this.topicPartitions = new LinkedHashMap<>(topicPartitions);
    return this;
  }

  /** The partition count used for {@code topic}. */
  public int partitionsOf(String topic) {
    return topicPartitions.getOrDefault(topic, partitions);
  }

  /** Deadline of a publish, reconnects included. Default {@value #DEFAULT_PUBLISH_TIMEOUT_MS} ms. */
  public long getPublishTimeoutMs() {
    return publishTimeoutMs;
  }

  public BusOptions setPublishTimeoutMs(long publishTimeoutMs) {
    this.publishTimeoutMs = publishTimeoutMs;
    return this;
  }

  /** Most publishes waiting for Redis; more fail at once with {@link BusException.Backpressure}. Default {@value #DEFAULT_MAX_PENDING_PUBLISHES}. */
  public int getMaxPendingPublishes() {
    return maxPendingPublishes;
  }

  public BusOptions setMaxPendingPublishes(int maxPendingPublishes) {
    this.maxPendingPublishes = maxPendingPublishes;
    return this;
  }

  /**
   * When above 0, every publish is followed by {@code WAIT n} on the master that stored it, and fails with
   * {@link BusException.NotReplicated} (which carries the message's id) unless that many replicas acknowledged it
   * within the publish timeout. Redis replication is asynchronous: without it, a failover loses the messages the
   * master acknowledged but had not yet sent to the promoted replica. With it, a successful publish has reached that
   * many replicas, which narrows the window to a replica failing over without them (it does not close it: WAIT
   * does not make Redis strongly consistent). It costs a round trip per publish, and while a master has fewer
   * replicas than required every publish to it waits for the whole timeout. Default 0.
   */
  public int getPublishWaitReplicas() {
    return publishWaitReplicas;
  }

  public BusOptions setPublishWaitReplicas(int publishWaitReplicas) {
    this.publishWaitReplicas = publishWaitReplicas;
    return this;
  }

  /**
   * How long a partition remembers the idempotency key of a message published with one
   * ({@link OutgoingMessage#idempotencyKey}): a publish with the same key within this time of the first stores nothing
   * and gets the first message's id; after it, the key is forgotten and a publish with it stores a new message.
   * Memory: one hash field and one sorted-set member per key remembered, per partition. Default
   * {@value #DEFAULT_IDEMPOTENCY_WINDOW_MS} ms (24 h).
   */
  public long getIdempotencyWindowMs() {
    return idempotencyWindowMs;
  }

  /**
   * Sets {@link #getIdempotencyWindowMs()}; must be at least 1 ({@link #validate()}).
   *
   * @return this
   */
  public BusOptions setIdempotencyWindowMs(long idempotencyWindowMs) {
    this.idempotencyWindowMs = idempotencyWindowMs;
    return this;
  }

  /**
   * What trimming removes from topics without a {@link #setTopicTrim topic trim} of their own; default
   * {@link TrimPolicy#ACKED}. Each process trims each topic it publishes to or consumes, every
   * {@link #getTrimIntervalMs()}.
   */
  public TrimPolicy getTrimPolicy() {
    return trimPolicy;
  }

  public BusOptions setTrimPolicy(TrimPolicy trimPolicy) {
    this.trimPolicy = trimPolicy;
    return this;
  }

  /** Length cap of each partition's stream for {@link TrimPolicy#MAXLEN}. */
  public long getMaxLen() {
    return maxLen;
  }

  public BusOptions setMaxLen(long maxLen) {
    this.maxLen = maxLen;
    return this;
  }

  /**
   * How much {@link TrimPolicy#RETENTION} keeps at least, in ms, for topics without a {@link #setTopicTrim topic trim}
   * of their own. Default {@value #DEFAULT_RETENTION_MS} ms (7 days).
   */
  public long getRetentionMs() {
    return retentionMs;
  }

  /**
   * Sets {@link #getRetentionMs()}; must be at least 1 when the policy is {@link TrimPolicy#RETENTION}
   * ({@link #validate()}).
   *
   * @return this
   */
  public BusOptions setRetentionMs(long retentionMs) {
    this.retentionMs = retentionMs;
    return this;
  }

  /** The topics with a trimming of their own, by topic name (see {@link #setTopicTrim}). */
  public Map<String, TopicTrim> getTopicTrims() {
    return topicTrims;
  }

  /**
   * Trims {@code topic} as {@code trim} says instead of by the bus-wide {@link #getTrimPolicy()} (for example
   * {@code setTopicTrim("events", TopicTrim.retention(Duration.ofDays(30)))} beside a bus-wide
   * {@link TrimPolicy#ACKED}); {@code null} removes the override. Checked by {@link #validate()}: a valid topic name,
   * a policy, and the policy's limit at least 1.
   *
   * @return this
   */
  public BusOptions setTopicTrim(String topic, TopicTrim trim) {
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

  /** How often a partition is trimmed, in ms. Default {@value #DEFAULT_TRIM_INTERVAL_MS}. */
  public long getTrimIntervalMs() {
    return trimIntervalMs;
  }

  public BusOptions setTrimIntervalMs(long trimIntervalMs) {
    this.trimIntervalMs = trimIntervalMs;
    return this;
  }

  /** First delay before reconnecting after a lost connection, doubled per failure. Default {@value #DEFAULT_RECONNECT_INITIAL_MS} ms. */
  public long getReconnectInitialMs() {
    return reconnectInitialMs;
  }

  public BusOptions setReconnectInitialMs(long reconnectInitialMs) {
    this.reconnectInitialMs = reconnectInitialMs;
    return this;
  }

  /** Longest delay between reconnect attempts. Default {@value #DEFAULT_RECONNECT_MAX_MS} ms. */
  public long getReconnectMaxMs() {
    return reconnectMaxMs;
  }

  public BusOptions setReconnectMaxMs(long reconnectMaxMs) {
    this.reconnectMaxMs = reconnectMaxMs;
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

  @Override
  public String toString() {
    JsonObject json = toJson();
    JsonArray redacted = new JsonArray();
    connectionStrings.forEach(s -> redacted.add(redact(s)));
    return json.put("connectionStrings", redacted).encode();
  }
}
