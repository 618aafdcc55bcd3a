package io.streambus.impl.wire;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * One Lua script as Redis runs it: the shared prelude (prelude.lua: the outcomes, the token and owner checks,
 * claim-and-record-the-move, the capped count) followed by the script's own source, and the SHA-1 of that combined
 * text. Each call tries EVALSHA and falls back to EVAL on NOSCRIPT: that loads the script on whichever node answered,
 * which is what a Redis Cluster needs (SCRIPT LOAD reaches only one node) and also survives a restarted Redis whose
 * script cache is empty. The typed script classes ({@link AckScript} ...) are the callers; replies are decoded by
 * {@link #outcome}, in one place.
 */
final class Script {
  private static final String PRELUDE = load("prelude");

  /** A script's arguments: writes {@code numkeys key... arg...} after the script (its SHA or its source). */
  interface Call {
    void addTo(Request request);
  }

  private final String name;
  private final byte[] source;
  private final byte[] sha;

  Script(String name) {
    this(name, load(name));
  }

  /** A script of the given source (tests: a reply of any shape), run after the prelude as every script is. */
  Script(String name, String body) {
    this.name = name;
    String text = PRELUDE + body;
    this.source = text.getBytes(StandardCharsets.UTF_8);
    this.sha = sha1(source).getBytes(StandardCharsets.US_ASCII);
  }

  String name() {
    return name;
  }

  /** The SHA-1 of the combined text (prelude and source), as EVALSHA names it. */
  String sha() {
    return new String(sha, StandardCharsets.US_ASCII);
  }

  /** Runs the script with {@code call}'s keys and arguments, retrying until the deadline. */
  Future<Response> run(RedisChannel channel, long deadline, Call call) {
    return channel.send(request(Command.EVALSHA, sha, call), deadline).recover(e -> {
      if (RedisErrors.is(e, "NOSCRIPT")) {
        return channel.send(request(Command.EVAL, source, call), deadline);
      }
      return Future.failedFuture(e);
    });
  }

  /**
   * The script as one EVAL request (its source, not its SHA), for a batch that must carry it on one socket: a batch
   * has no NOSCRIPT fallback.
   */
  Request eval(Call call) {
    return request(Command.EVAL, source, call);
  }

  private static Request request(Command command, byte[] script, Call call) {
    Request r = Request.cmd(command).arg(script);
    call.addTo(r);
    return r;
  }

  /**
   * The outcome of a reply {@code {outcome, data...}}, one of {@code expected}. Anything else (another shape, an
   * unknown outcome, one this script never answers) is a script and code out of step: refused with an error that
   * names the script and what it replied.
   */
  Outcome outcome(Response reply, Set<Outcome> expected) {
    Response first = reply != null && reply.type() == ResponseType.MULTI && reply.size() > 0 ? reply.get(0) : null;
    Outcome o = first != null && first.type() == ResponseType.BULK ? Outcome.of(first.toBuffer()) : null;
    if (o == null || !expected.contains(o)) {
      throw new IllegalStateException(name + ".lua replied " + describe(reply) + ": expected {outcome, data...} with "
          + "an outcome of " + expected);
    }
    return o;
  }

  /** Refuses a reply whose data is shorter than its outcome needs. */
  void need(Response reply, int size, Outcome o) {
    if (reply.size() < size) {
      throw new IllegalStateException(name + ".lua replied " + describe(reply) + ": " + o + " needs " + (size - 1)
          + " data element(s)");
    }
  }

  private static String describe(Response reply) {
    if (reply == null) {
      return "nil";
    }
    String text = reply.type() + " " + reply;
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String load(String name) {
    String path = "/io/streambus/impl/wire/lua/" + name + ".lua";
    try (InputStream in = Script.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(byte[] text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
