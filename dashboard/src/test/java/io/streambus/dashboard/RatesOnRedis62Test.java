package io.streambus.dashboard;

import io.streambus.testsupport.RedisFlavor;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RatesTest} on Redis 6.2 (the binary inside embedded-redis, which {@code ./demo.sh} runs when no redis-server
 * is installed): its XINFO reports neither {@code entries-added} nor {@code entries-read}, so the bus derives both.
 */
class RatesOnRedis62Test extends RatesTest {

  @BeforeAll
  static void startRedis() {
    startRedis(RedisFlavor.EMBEDDED_6_2);
  }
}
