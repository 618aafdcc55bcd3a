package io.streambus.app;

import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;

import java.security.Security;

/**
 * How long the fat-jars keep a host name's address: at most {@value #MAX_TTL_SECONDS} s. A managed service's
 * failover moves its endpoint's DNS name to the promoted node, and the bus resolves the name again at each reconnect;
 * an address kept longer would send those reconnects to the old node (AWS advises a JVM DNS TTL of 5 s or less for
 * ElastiCache clients). Vert.x's resolver keeps an answer for its record's TTL, capped here; the JVM's own lookups
 * ({@code InetAddress}, used when Vert.x's resolver is disabled) get the same bound unless the operator set one.
 * Failed lookups are not kept.
 */
public final class DnsCache {
  /** The longest an address is kept: {@value} s. */
  public static final int MAX_TTL_SECONDS = 5;

  private DnsCache() {
  }

  /** The Vert.x options of a fat-jar: its resolver keeps an answer for at most {@link #MAX_TTL_SECONDS}. */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
        .setCacheMaxTimeToLive(MAX_TTL_SECONDS).setCacheNegativeTimeToLive(0));
  }

  /**
   * Bounds the JVM's own address cache ({@code networkaddress.cache.ttl}) unless the operator set it (in
   * {@code java.security} or with {@code -Dsun.net.inetaddr.ttl}); call before the first lookup.
   */
  public static void configureJvm() {
    if (Security.getProperty("networkaddress.cache.ttl") == null && System.getProperty("sun.net.inetaddr.ttl") == null) {
      Security.setProperty("networkaddress.cache.ttl", Integer.toString(MAX_TTL_SECONDS));
    }
    if (Security.getProperty("networkaddress.cache.negative.ttl") == null) {
      Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }
  }
}
