package io.streambus;

import java.time.Duration;

/**
 * The Redis writes one message causes on a read model, built by a {@link Projection} and applied by the bus together
 * with the message's acknowledgement, in one Lua step that first checks that the subscription still holds the message.
 *
 * <p><b>Keys.</b> Every key must carry the partition's {@link #hashTag() hash tag} (Redis's rule: the text between
 * the first <code>{</code> and the next <code>}</code>), on one server as on a cluster, so that a projection written
 * against one server runs unchanged on a cluster, where the model keys must sit in the partition's slot.
 * {@link #key(String)} builds such keys in the bus's layout ({@link Topics#modelKey}); a key of your own layout is
 * accepted if it carries the tag. The bus's own keys of the partition (the stream, its dead letters, retry sets,
 * members...) are refused.
 *
 * <p><b>Commands.</b> Only deterministic single-key writes are accepted, each expecting its key to hold one type (or
 * not to exist):
 * <ul>
 *   <li>string: {@code SET key value [NX|XX] [EX s|PX ms|KEEPTTL]}, {@code INCR}, {@code DECR}, {@code INCRBY},
 *       {@code DECRBY}, {@code INCRBYFLOAT}, {@code APPEND};</li>
 *   <li>hash: {@code HSET}, {@code HSETNX}, {@code HDEL}, {@code HINCRBY}, {@code HINCRBYFLOAT};</li>
 *   <li>set: {@code SADD}, {@code SREM};</li>
 *   <li>sorted set: {@code ZADD key [NX|XX] [GT|LT] [CH] score member...}, {@code ZINCRBY}, {@code ZREM};</li>
 *   <li>list: {@code LPUSH}, {@code RPUSH}, {@code LTRIM};</li>
 *   <li>any type: {@code DEL}, {@code EXPIRE} / {@code PEXPIRE} (a positive time), {@code PERSIST}.</li>
 * </ul>
 * A command outside this list, a wrong argument count or a malformed number is refused when it is added: the method
 * throws {@link BusException.InvalidWrite}, and the message is dead-lettered with that reason even if the projection
 * catches it. Before the first write, the Lua step checks every key's type, and that every increment applies (the
 * current value is a number, the result does not overflow); a failed check writes nothing and dead-letters the
 * message with the reason. The checks are conservative: integers beyond ±9.2e18 and a field both set and incremented
 * by one message are refused.
 *
 * <p><b>Not guaranteed.</b> A Lua step is atomic but never rolled back: a write that fails in Redis after the checks
 * (which they are meant to rule out; out of memory is raised by the first write, before anything is applied) would
 * leave the writes before it applied, and the message pending: its redelivery would apply them again. Writes are
 * applied in the order they were added. Not thread-safe: build the writes of a message on one thread at a time.
 */
public interface ModelWrites {

  /** The partition's hash tag, {@code {<topic>:<partition>}}: every key written must carry it. */
  String hashTag();

  /**
   * The key of model {@code name} in this partition: {@link Topics#modelKey}{@code (prefix, topic, partition, name)}.
   *
   * @throws BusException.InvalidWrite when {@code name} is null or empty
   */
  String key(String name);

  /**
   * Adds a write: an accepted {@code command} (any case) on {@code key} with {@code args}.
   *
   * @throws BusException.InvalidWrite when the command, its arguments or the key are refused (see above)
   */
  ModelWrites command(String command, String key, String... args);

  /** How many writes were added. */
  int size();

  default ModelWrites set(String key, String value) {
    return command("SET", key, value);
  }

  default ModelWrites incrby(String key, long by) {
    return command("INCRBY", key, Long.toString(by));
  }

  /** @throws BusException.InvalidWrite when {@code by} is not finite */
  default ModelWrites incrbyfloat(String key, double by) {
    return command("INCRBYFLOAT", key, number(by));
  }

  default ModelWrites hset(String key, String field, String value) {
    return command("HSET", key, field, value);
  }

  default ModelWrites hdel(String key, String... fields) {
    return command("HDEL", key, fields);
  }

  default ModelWrites hincrby(String key, String field, long by) {
    return command("HINCRBY", key, field, Long.toString(by));
  }

  /** @throws BusException.InvalidWrite when {@code by} is not finite */
  default ModelWrites hincrbyfloat(String key, String field, double by) {
    return command("HINCRBYFLOAT", key, field, number(by));
  }

  default ModelWrites sadd(String key, String... members) {
    return command("SADD", key, members);
  }

  default ModelWrites srem(String key, String... members) {
    return command("SREM", key, members);
  }

  /** @throws BusException.InvalidWrite when {@code score} is NaN */
  default ModelWrites zadd(String key, double score, String member) {
    return command("ZADD", key, number(score), member);
  }

  /** @throws BusException.InvalidWrite when {@code by} is NaN */
  default ModelWrites zincrby(String key, double by, String member) {
    return command("ZINCRBY", key, number(by), member);
  }

  default ModelWrites zrem(String key, String... members) {
    return command("ZREM", key, members);
  }

  default ModelWrites rpush(String key, String... values) {
    return command("RPUSH", key, values);
  }

  default ModelWrites del(String key) {
    return command("DEL", key);
  }

  /** {@code PEXPIRE}: the key expires {@code ttl} (at least a millisecond) after the step. */
  default ModelWrites expire(String key, Duration ttl) {
    return command("PEXPIRE", key, Long.toString(ttl.toMillis()));
  }

  /** A double as Redis reads it: {@code inf} and {@code -inf} for the infinities. */
  private static String number(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.isNaN(d) ? "nan" : Double.toString(d);
  }
}
