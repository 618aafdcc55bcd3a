package io.streambus.cli;

import io.streambus.app.BusConfig;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection options every command takes. Each maps onto the setting of the same meaning that the other jars read
 * ({@code BUS_REDIS_URL} ...), laid over the configuration file and the environment.
 */
final class ConnectionFlags {
  @Option(names = "--config", paramLabel = "<file>",
      description = "Configuration file (JSON or YAML), as for the other jars; else BUS_CONFIG.")
  String config;

  @Option(names = "--redis-url", paramLabel = "<url>", split = ",",
      description = "Redis URL(s), e.g. redis://127.0.0.1:6379 or rediss://... (BUS_REDIS_URL).")
  List<String> redisUrls;

  @Option(names = "--topology", paramLabel = "<topology>",
      description = "standalone, cluster or sentinel (BUS_REDIS_TOPOLOGY).")
  String topology;

  @Option(names = "--sentinel-master", paramLabel = "<name>", description = "Sentinel master name "
      + "(BUS_REDIS_SENTINEL_MASTER).")
  String sentinelMaster;

  @Option(names = "--key-prefix", paramLabel = "<prefix>", description = "Key prefix (BUS_KEY_PREFIX, default bus).")
  String keyPrefix;

  @Option(names = "--tls-ca", paramLabel = "<pem>", description = "CA certificate file for TLS (BUS_TLS_CA_PEM).")
  String tlsCa;

  /** The settings these options set, by canonical name. */
  Map<String, Object> overrides() {
    Map<String, Object> o = new LinkedHashMap<>();
    if (redisUrls != null && !redisUrls.isEmpty()) {
      o.put(BusConfig.REDIS_URL, String.join(",", redisUrls));
    }
    put(o, BusConfig.REDIS_TOPOLOGY, topology);
    put(o, BusConfig.REDIS_SENTINEL_MASTER, sentinelMaster);
    put(o, BusConfig.KEY_PREFIX, keyPrefix);
    put(o, BusConfig.TLS_CA_PEM, tlsCa);
    return o;
  }

  private static void put(Map<String, Object> o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }
}
