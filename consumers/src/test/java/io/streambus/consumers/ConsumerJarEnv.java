package io.streambus.consumers;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings the process tests give a consumers jar: Redis and the key prefix {@code it}, one topic and group read
 * from the beginning, the http handler posting to a receiver in the test, the ops routes on loopback, and timings
 * short enough for a test. Each test puts its own settings on top.
 */
final class ConsumerJarEnv {
  private ConsumerJarEnv() {
  }

  static Map<String, String> of(String redisUrl, String topic, String group, String name, int receiverPort,
                                int opsPort) {
    Map<String, String> env = new HashMap<>();
    env.put("BUS_REDIS_URL", redisUrl);
    env.put("BUS_KEY_PREFIX", "it");
    env.put("BUS_TOPICS", topic);
    env.put("BUS_GROUP", group);
    env.put("BUS_START_POSITION", "beginning");
    env.put("BUS_CONSUMER_NAME", name);
    env.put("BUS_HANDLER", "http");
    env.put("BUS_HTTP_TARGET_URL", "http://127.0.0.1:" + receiverPort + "/deliver");
    env.put("BUS_HTTP_HOST", "127.0.0.1");
    env.put("BUS_HTTP_PORT", String.valueOf(opsPort));
    env.put("BUS_CLAIM_MIN_IDLE_MS", "3000");
    env.put("BUS_RECLAIM_INTERVAL_MS", "500");
    env.put("BUS_BLOCK_MS", "500");
    env.put("BUS_DRAIN_TIMEOUT_MS", "10000");
    env.put("BUS_SHUTDOWN_TIMEOUT_MS", "20000");
    env.put("BUS_LOG_LEVEL", "INFO");
    return env;
  }
}
