package io.streambus.impl.connection;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Redis Cluster connection of the Vert.x client needs beyond plain sends. The client routes a command by the
 * keys it knows the command to have; a few commands the bus sends have none in its table (XINFO, XGROUP, WAIT, SELECT)
 * and would go to a random node. A batch is sent whole to the node of its keyed commands, so pairing such a command
 * with a cheap keyed one ({@code EXISTS <key>}) sends it, on the same socket, to the node that owns the key.
 */
public final class ClusterRoutes {
  private static final int SLOTS = 16_384;
  private static final Pattern BATCH_ERROR = Pattern.compile("^ERR \\[(\\d+)] (.*)$", Pattern.MULTILINE);
  /** How the client renders a failure that is not an error reply: {@code io.vertx.core.VertxException: ...}. */
  private static final Pattern JAVA_EXCEPTION = Pattern.compile("[a-z][\\w$]*(\\.[\\w$]+)+(:|$)");

  private final String prefix;

  public ClusterRoutes(String prefix) {
    this.prefix = prefix;
  }

  /** The hash slot of a key: CRC16 (XMODEM) of the key, or of its first non-empty {@code {tag}}, modulo 16384. */
  public static int slot(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc % SLOTS;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A key under the bus's prefix (so a least-privilege ACL user may name it) whose slot is in {@code [from, to]}.
   * Only ever the argument of EXISTS: never written.
   */
  public String keyInSlots(int from, int to) {
    for (int n = 0; ; n++) {
      String key = prefix + ":route:{" + n + "}";
      int s = slot(key);
      if (s >= from && s <= to) {
        return key;
      }
    }
  }

  /**
   * Makes every master's socket of a cluster connection ours alone, as {@link RedisChannel} does with SELECT on a
   * standalone connection: the pool then closes those sockets on close() instead of recycling them with replies in
   * flight. CLUSTER SLOTS names the masters; a {@code SELECT 0} (the only database of a cluster) batched with a key
   * of each master's first slot range taints that master's socket. Replica sockets the client opened are never sent
   * anything, so recycling them is harmless.
   */
  public Future<Void> own(RedisConnection c) {
    return taintMasters(c.send(Request.cmd(Command.CLUSTER).arg("SLOTS")), c, false);
  }

  /**
   * Like {@link #own}, for a connection {@code old} about to be closed: completes once every current master's
   * socket of it has answered its marker (or failed it: a dead master's), so that what was sent on it before has
   * been answered, and never fails. The masters are asked on {@code current}, whose sockets all answered lately
   * (one of {@code old}'s, to a node that died, would fail the question).
   */
  public Future<Void> drain(RedisConnection old, RedisConnection current) {
    return taintMasters(current.send(Request.cmd(Command.CLUSTER).arg("SLOTS")), old, true).otherwiseEmpty();
  }

  /** @param join wait for every master's marker, failed or not, instead of failing at the first failure */
  private Future<Void> taintMasters(Future<Response> slots, RedisConnection c, boolean join) {
    return slots.compose(reply -> {
      Map<String, int[]> masters = new LinkedHashMap<>();
      for (Response range : reply) {
        Response master = range.get(2);
        masters.putIfAbsent(master.get(0) + ":" + master.get(1),
            new int[] {range.get(0).toInteger(), range.get(1).toInteger()});
      }
      List<Future<?>> all = new ArrayList<>();
      for (int[] range : masters.values()) {
        all.add(batch(c, List.of(Request.cmd(Command.SELECT).arg(0),
            Request.cmd(Command.EXISTS).arg(keyInSlots(range[0], range[1])))));
      }
      return (join ? Future.join(all) : Future.all(all)).mapEmpty();
    });
  }

  /** Sends {@code request} to the master of {@code key}'s slot; the reply is the request's own. */
  public Future<Response> sendAt(RedisConnection c, Request request, String key) {
    return batch(c, List.of(request, Request.cmd(Command.EXISTS).arg(key))).map(replies -> replies.get(0));
  }

  /**
   * A batch with the client's error report undone: it fails a batch with one "ERR [i] cause" line per failed command,
   * which would hide the Redis error code (BUSYGROUP, NOPERM...) and make a lost connection look like an error reply.
   * The first failed command's error comes back as a {@link RedisErrors.Reply} when it was a Redis error reply, and as
   * a plain exception (a connection problem) otherwise.
   */
  public static Future<List<Response>> batch(RedisConnection c, List<Request> requests) {
    return c.batch(requests).recover(e -> Future.failedFuture(unwrap(e)));
  }

  public static Throwable unwrap(Throwable e) {
    if (!e.getClass().getName().startsWith("io.vertx.redis") || e.getMessage() == null) {
      return e;
    }
    Matcher m = BATCH_ERROR.matcher(e.getMessage());
    if (!m.find()) {
      return e;
    }
    String cause = m.group(2);
    if (JAVA_EXCEPTION.matcher(cause).lookingAt()) {
      return new io.streambus.BusException("lost the connection during a batch: " + cause);
    }
    int space = cause.indexOf(' ');
    String code = space < 0 ? cause : cause.substring(0, space);
    // the client strips a leading "ERR " from error replies
    return new RedisErrors.Reply(RedisErrors.isCode(code) ? cause : "ERR " + cause);
  }
}
