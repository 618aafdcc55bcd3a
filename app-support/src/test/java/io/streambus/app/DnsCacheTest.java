package io.streambus.app;

import org.junit.jupiter.api.Test;

import java.security.Security;

import static org.assertj.core.api.Assertions.assertThat;

/** The fat-jars keep a host name's address at most 5 s (DnsFailoverTest in bus-core shows why it matters). */
class DnsCacheTest {

  @Test
  void theJarsResolverKeepsAnAnswerAtMostFiveSecondsAndNoFailure() {
    assertThat(DnsCache.vertxOptions().getAddressResolverOptions().getCacheMaxTimeToLive()).isEqualTo(5);
    assertThat(DnsCache.vertxOptions().getAddressResolverOptions().getCacheNegativeTimeToLive()).isZero();
  }

  @Test
  void theJvmsOwnCacheIsBoundedUnlessTheOperatorSetIt() {
    DnsCache.configureJvm();
    String ttl = Security.getProperty("networkaddress.cache.ttl");
    if (System.getProperty("sun.net.inetaddr.ttl") == null) {
      assertThat(ttl).isNotNull();
      assertThat(Integer.parseInt(ttl)).isLessThanOrEqualTo(DnsCache.MAX_TTL_SECONDS);
    }
    assertThat(Security.getProperty("networkaddress.cache.negative.ttl")).isNotNull();
  }
}
