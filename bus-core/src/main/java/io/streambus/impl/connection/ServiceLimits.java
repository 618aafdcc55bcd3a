package io.streambus.impl.connection;

/**
 * Limits of the managed services that the bus keeps to on every server, so that nothing it sends depends on where it
 * runs. ElastiCache Serverless refuses a request of more than 3,999 arguments and keys over 4 KiB (AWS ElastiCache
 * developer guide, RedisConfiguration.html, "Serverless caches"); see docs/managed-redis.md.
 */
public final class ServiceLimits {
  /** The most arguments, command name included, of any request the bus sends. */
  public static final int MAX_ARGUMENTS = 3_999;
  /**
   * The most entry ids one step (a script or a command) carries: a batch of more goes in several steps. Far enough
   * below {@link #MAX_ARGUMENTS} to leave room for the script's name, keys and fixed arguments.
   */
  public static final int MAX_IDS_PER_STEP = 1_000;
  /** The longest key the bus writes, in UTF-8 bytes: a quarter of the 4 KiB Serverless allows. */
  public static final int MAX_KEY_BYTES = 1_024;

  private ServiceLimits() {
  }
}
