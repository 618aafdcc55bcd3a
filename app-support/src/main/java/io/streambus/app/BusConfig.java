package io.streambus.app;

import io.streambus.BusOptions;
import io.streambus.BusOptions.Topology;
import io.streambus.BusOptions.TrimPolicy;
import io.streambus.ConnectionOptions;
import io.streambus.OptionException;
import io.streambus.PublishOptions;
import io.streambus.TopicOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings every Streambus process shares, mapped to {@link BusOptions}: where Redis is and how topics are laid
 * out. {@link #busOptions(Settings)} validates all of them, so a bad value stops the process before it connects.
 */
public final class BusConfig {
  public static final String REDIS_URL = "BUS_REDIS_URL";
  public static final String REDIS_TOPOLOGY = "BUS_REDIS_TOPOLOGY";
  public static final String REDIS_SENTINEL_MASTER = "BUS_REDIS_SENTINEL_MASTER";
  public static final String KEY_PREFIX = "BUS_KEY_PREFIX";
  public static final String PARTITIONS = "BUS_PARTITIONS";
  public static final String TOPIC_PARTITIONS = "BUS_TOPIC_PARTITIONS";
  public static final String TLS_CA_PEM = "BUS_TLS_CA_PEM";
  public static final String TLS_CERT_PEM = "BUS_TLS_CERT_PEM";
  public static final String TLS_KEY_PEM = "BUS_TLS_KEY_PEM";
  public static final String TLS_VERIFY_HOSTNAME = "BUS_TLS_VERIFY_HOSTNAME";
  public static final String PUBLISH_TIMEOUT_MS = "BUS_PUBLISH_TIMEOUT_MS";
  public static final String MAX_PENDING_PUBLISHES = "BUS_MAX_PENDING_PUBLISHES";
  public static final String TRIM_POLICY = "BUS_TRIM_POLICY";
  public static final String MAX_LEN = "BUS_MAX_LEN";
  public static final String TRIM_INTERVAL_MS = "BUS_TRIM_INTERVAL_MS";
  public static final String RETENTION_MS = "BUS_RETENTION_MS";
  public static final String IDEMPOTENCY_WINDOW_MS = "BUS_IDEMPOTENCY_WINDOW_MS";
  public static final String PUBLISH_WAIT_REPLICAS = "BUS_PUBLISH_WAIT_REPLICAS";

  /** Every setting this class reads. */
  public static final Set<String> NAMES = Set.of(REDIS_URL, REDIS_TOPOLOGY, REDIS_SENTINEL_MASTER, KEY_PREFIX,
      PARTITIONS, TOPIC_PARTITIONS, TLS_CA_PEM, TLS_CERT_PEM, TLS_KEY_PEM, TLS_VERIFY_HOSTNAME, PUBLISH_TIMEOUT_MS,
      MAX_PENDING_PUBLISHES, TRIM_POLICY, MAX_LEN, TRIM_INTERVAL_MS, RETENTION_MS, IDEMPOTENCY_WINDOW_MS,
      PUBLISH_WAIT_REPLICAS);

  /** The options' fields ({@link OptionException#field()}) → the setting that feeds each. */
  private static final Map<String, String> FIELD_TO_SETTING = fieldToSetting();

  private BusConfig() {
  }

  /**
   * @throws ConfigException naming the first invalid setting
   */
  public static BusOptions busOptions(Settings s) {
    ConnectionOptions connection = new ConnectionOptions()
        .setConnectionStrings(s.list(REDIS_URL, List.of(ConnectionOptions.DEFAULT_CONNECTION_STRING)))
        .setTopology(s.choice(REDIS_TOPOLOGY, Topology.class, Topology.STANDALONE))
        .setSentinelMasterName(s.string(REDIS_SENTINEL_MASTER, null))
        .setTlsCaPemPath(pemFile(s, TLS_CA_PEM))
        .setTlsCertPemPath(pemFile(s, TLS_CERT_PEM))
        .setTlsKeyPemPath(pemFile(s, TLS_KEY_PEM))
        .setTlsVerifyHostname(s.bool(TLS_VERIFY_HOSTNAME, true));
    TopicOptions topics = new TopicOptions()
        .setKeyPrefix(s.string(KEY_PREFIX, TopicOptions.DEFAULT_KEY_PREFIX))
        .setPartitions(s.integer(PARTITIONS, TopicOptions.DEFAULT_PARTITIONS, TopicOptions.PARTITIONS))
        .setTopicPartitions(s.intMap(TOPIC_PARTITIONS, (int) TopicOptions.PARTITIONS.min(),
            (int) TopicOptions.PARTITIONS.max()))
        .setTrimPolicy(s.choice(TRIM_POLICY, TrimPolicy.class, TrimPolicy.ACKED))
        .setMaxLen(s.longValue(MAX_LEN, 0, 0, TopicOptions.MAX_LEN.max()))
        .setTrimIntervalMs(s.longValue(TRIM_INTERVAL_MS, TopicOptions.DEFAULT_TRIM_INTERVAL_MS,
            TopicOptions.TRIM_INTERVAL_MS))
        .setRetentionMs(s.longValue(RETENTION_MS, TopicOptions.DEFAULT_RETENTION_MS, TopicOptions.RETENTION_MS));
    PublishOptions publish = new PublishOptions()
        .setPublishTimeoutMs(s.longValue(PUBLISH_TIMEOUT_MS, PublishOptions.DEFAULT_PUBLISH_TIMEOUT_MS,
            PublishOptions.PUBLISH_TIMEOUT_MS))
        .setMaxPendingPublishes(s.integer(MAX_PENDING_PUBLISHES, PublishOptions.DEFAULT_MAX_PENDING_PUBLISHES,
            PublishOptions.MAX_PENDING_PUBLISHES))
        .setPublishWaitReplicas(s.integer(PUBLISH_WAIT_REPLICAS, 0, PublishOptions.WAIT_REPLICAS))
        .setIdempotencyWindowMs(s.longValue(IDEMPOTENCY_WINDOW_MS, PublishOptions.DEFAULT_IDEMPOTENCY_WINDOW_MS,
            PublishOptions.IDEMPOTENCY_WINDOW_MS));
    BusOptions options = new BusOptions().setConnection(connection).setTopics(topics).setPublish(publish);
    try {
      return options.validate();
    } catch (OptionException e) {
      throw ConfigException.ofOption(e, FIELD_TO_SETTING);
    }
  }

  private static String pemFile(Settings s, String name) {
    String path = s.string(name, null);
    if (path != null && !Files.isReadable(Path.of(path))) {
      throw new ConfigException(name, name + " names a file that cannot be read: '" + path + "'");
    }
    return path;
  }

  private static Map<String, String> fieldToSetting() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("connection.connectionStrings", REDIS_URL);
    map.put("connection.topology", REDIS_TOPOLOGY);
    map.put("connection.sentinelMasterName", REDIS_SENTINEL_MASTER);
    map.put("connection.tlsCertPemPath", TLS_CERT_PEM);
    map.put("topics.keyPrefix", KEY_PREFIX);
    map.put("topics.partitions", PARTITIONS);
    map.put("topics.topicPartitions", TOPIC_PARTITIONS);
    map.put("topics.trimPolicy", TRIM_POLICY);
    map.put("topics.maxLen", MAX_LEN);
    map.put("topics.trimIntervalMs", TRIM_INTERVAL_MS);
    map.put("topics.retentionMs", RETENTION_MS);
    map.put("publish.publishTimeoutMs", PUBLISH_TIMEOUT_MS);
    map.put("publish.maxPendingPublishes", MAX_PENDING_PUBLISHES);
    map.put("publish.publishWaitReplicas", PUBLISH_WAIT_REPLICAS);
    map.put("publish.idempotencyWindowMs", IDEMPOTENCY_WINDOW_MS);
    return Map.copyOf(map);
  }
}
