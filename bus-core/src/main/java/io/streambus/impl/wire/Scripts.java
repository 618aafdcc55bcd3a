package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The bus's Lua scripts. Each call tries EVALSHA and falls back to EVAL on NOSCRIPT: that loads the script on
 * whichever node answered, which is what a Redis Cluster needs (SCRIPT LOAD reaches only one node) and also survives
 * a restarted Redis whose script cache is empty.
 */
public enum Scripts {
  PUBLISH_DELAYED("publish_delayed"),
  PUBLISH_IDEMPOTENT("publish_idempotent"),
  MOVE_DUE("move_due"),
  CLAIM("claim"),
  DEAD_LETTER("dead_letter"),
  REPLAY("replay"),
  TRIM("trim"),
  DELETE_CONSUMER("delete_consumer"),
  RENEW("renew"),
  ACK("ack"),
  PROJECT("project"),
  RETRY("retry"),
  HANDBACK("handback"),
  LEAVE("leave"),
  ACQUIRE("acquire"),
  RELEASE("release"),
  ADOPT("adopt"),
  REDELIVER("redeliver"),
  COUNT_AFTER("count_after"),
  COUNTERS("counters"),
  SCAN_DEAD_LETTERS("scan_dead_letters");

  private final String source;
  private final String sha;

  Scripts(String name) {
    this.source = load("/io/streambus/impl/wire/lua/" + name + ".lua");
    this.sha = sha1(source);
  }

  /** Runs the script with {@code keys} and {@code args} (String, Buffer, byte[] or numbers), retrying until the deadline. */
  public Future<Response> run(RedisChannel channel, long deadline, List<String> keys, Object... args) {
    return channel.send(request(Command.EVALSHA, sha, keys, args), deadline).recover(e -> {
      if (RedisErrors.is(e, "NOSCRIPT")) {
        return channel.send(request(Command.EVAL, source, keys, args), deadline);
      }
      return Future.failedFuture(e);
    });
  }

  /**
   * The script as one EVAL request (its source, not its SHA), for a batch that must carry it on one socket: a batch
   * has no NOSCRIPT fallback.
   */
  public Request eval(List<String> keys, Object... args) {
    return request(Command.EVAL, source, keys, args);
  }

  private static Request request(Command command, String script, List<String> keys, Object[] args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    for (Object a : args) {
      arg(r, a);
    }
    return r;
  }

  /** Adds one argument: bytes as they are (Buffer, byte[]), anything else as its text. */
  public static void arg(Request r, Object a) {
    if (a instanceof Buffer b) {
      r.arg(b);
    } else if (a instanceof byte[] bytes) {
      r.arg(bytes);
    } else {
      r.arg(String.valueOf(a));
    }
  }

  private static String load(String path) {
    try (InputStream in = Scripts.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
