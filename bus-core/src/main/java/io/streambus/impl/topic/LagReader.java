package io.streambus.impl.topic;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.CountAfterScript;
import io.streambus.impl.wire.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.Map;

/**
 * A group's lag on one partition (entries not yet delivered to it), the one place it is computed: the consumers'
 * gauges and the admin read model both use it, so that they agree on every server.
 */
public final class LagReader {
  /**
   * Most entries counted where Redis does not report the lag (6.2, or 7.x after deletions it cannot account for):
   * {@value}; a larger backlog reads as this figure ("at least"). Counting is a Lua loop that blocks Redis while it
   * runs, so it stays bounded.
   */
  public static final int COUNT_CAP = 100_000;

  private final RedisChannel channel;
  private final long timeoutMs;

  public LagReader(RedisChannel channel, long timeoutMs) {
    this.channel = channel;
    this.timeoutMs = timeoutMs;
  }

  /** The lag of the group described by {@code group} (its XINFO GROUPS entry) on {@code stream}. */
  public Future<Long> lag(String stream, Map<String, Response> group) {
    long reported = Replies.longOf(group, "lag", -1);
    if (reported >= 0) {
      return Future.succeededFuture(reported);
    }
    return new CountAfterScript(stream, Replies.stringOf(group, "last-delivered-id"), COUNT_CAP)
        .run(channel, System.currentTimeMillis() + timeoutMs);
  }
}
