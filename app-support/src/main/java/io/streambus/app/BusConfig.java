package io.streambus.app;

import io.streambus.BusOptions;
import io.streambus.BusOptions.Topology;
import io.streambus.BusOptions.TrimPolicy;

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

  /** Every setting this class reads. */
  public static final Set<String> NAMES = Set.of(REDIS_URL, REDIS_TOPOLOGY, REDIS_SENTINEL_MASTER, KEY_PREFIX,
      PARTITIONS, TOPIC_PARTITIONS, TLS_CA_PEM, TLS_CERT_PEM, TLS_KEY_PEM, TLS_VERIFY_HOSTNAME, PUBLISH_TIMEOUT_MS,
      MAX_PENDING_PUBLISHES, TRIM_POLICY, MAX_LEN, TRIM_INTERVAL_MS, RETENTION_MS, IDEMPOTENCY_WINDOW_MS);

  /** BusOptions field names (as its validation messages start) → the setting that feeds them. */
  private static final Map<String, String> FIELD_TO_SETTING = fieldToSetting();

  private BusConfig() {
  }

  /**
   * @throws ConfigException naming the first invalid setting
   */
  public static BusOptions busOptions(Settings s) {
    BusOptions options = new BusOptions()
        .setConnectionStrings(s.list(REDIS_URL, List.of(BusOptions.DEFAULT_CONNECTION_STRING)))
        .setTopology(s.choice(REDIS_TOPOLOGY, Topology.class, Topology.STANDALONE))
        .setSentinelMasterName(s.string(REDIS_SENTINEL_MASTER, null))
        .setTlsCaPemPath(pemFile(s, TLS_CA_PEM))
        .setTlsCertPemPath(pemFile(s, TLS_CERT_PEM))
        .setTlsKeyPemPath(pemFile(s, TLS_KEY_PEM))
        .setTlsVerifyHostname(s.bool(TLS_VERIFY_HOSTNAME, true))
        .setKeyPrefix(s.string(KEY_PREFIX, BusOptions.DEFAULT_KEY_PREFIX))
        .setPartitions(s.integer(PARTITIONS, BusOptions.DEFAULT_PARTITIONS, 1, 1024))
        .setTopicPartitions(s.intMap(TOPIC_PARTITIONS, 1, 1024))
        .setPublishTimeoutMs(s.longValue(PUBLISH_TIMEOUT_MS, BusOptions.DEFAULT_PUBLISH_TIMEOUT_MS, 1, 3_600_000))
        .setMaxPendingPublishes(s.integer(MAX_PENDING_PUBLISHES, BusOptions.DEFAULT_MAX_PENDING_PUBLISHES, 1,
            10_000_000))
        .setTrimPolicy(s.choice(TRIM_POLICY, TrimPolicy.class, TrimPolicy.ACKED))
        .setMaxLen(s.longValue(MAX_LEN, 0, 0, Long.MAX_VALUE))
        .setTrimIntervalMs(s.longValue(TRIM_INTERVAL_MS, BusOptions.DEFAULT_TRIM_INTERVAL_MS, 1, 86_400_000))
        .setRetentionMs(s.longValue(RETENTION_MS, BusOptions.DEFAULT_RETENTION_MS, 1, Long.MAX_VALUE))
        .setIdempotencyWindowMs(s.longValue(IDEMPOTENCY_WINDOW_MS, BusOptions.DEFAULT_IDEMPOTENCY_WINDOW_MS, 1,
            Long.MAX_VALUE));
    try {
      return options.validate();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(settingOf(e.getMessage()), settingOf(e.getMessage()) + ": " + e.getMessage(), e);
    }
  }

  private static String pemFile(Settings s, String name) {
    String path = s.string(name, null);
    if (path != null && !Files.isReadable(Path.of(path))) {
      throw new ConfigException(name, name + " names a file that cannot be read: '" + path + "'");
    }
    return path;
  }

  private static String settingOf(String message) {
    return FIELD_TO_SETTING.entrySet().stream().filter(e -> message.startsWith(e.getKey()))
        .map(Map.Entry::getValue).findFirst().orElse("BUS_*");
  }

  private static Map<String, String> fieldToSetting() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("connectionString", REDIS_URL);
    map.put("topology", REDIS_TOPOLOGY);
    map.put("sentinelMasterName", REDIS_SENTINEL_MASTER);
    map.put("tlsCertPemPath", TLS_CERT_PEM);
    map.put("keyPrefix", KEY_PREFIX);
    map.put("partitions", PARTITIONS);
    map.put("topicPartitions", TOPIC_PARTITIONS);
    map.put("publishTimeoutMs", PUBLISH_TIMEOUT_MS);
    map.put("maxPendingPublishes", MAX_PENDING_PUBLISHES);
    map.put("trimPolicy", TRIM_POLICY);
    map.put("maxLen", MAX_LEN);
    map.put("trimIntervalMs", TRIM_INTERVAL_MS);
    map.put("retentionMs", RETENTION_MS);
    map.put("idempotencyWindowMs", IDEMPOTENCY_WINDOW_MS);
    return map;
  }
}
