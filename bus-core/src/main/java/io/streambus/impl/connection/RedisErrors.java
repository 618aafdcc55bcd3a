package io.streambus.impl.connection;

import io.streambus.impl.wire.Replies;
import java.util.Set;

/**
 * Recognises Redis error replies. The client reports them as an exception of an internal type whose message is the
 * error text, so the error code (first word) is what we match on, here and nowhere else.
 */
public final class RedisErrors {
  private static final Set<String> CODES = Set.of("ERR", "WRONGTYPE", "NOGROUP", "BUSYGROUP", "NOSCRIPT", "LOADING",
      "BUSY", "OOM", "NOAUTH", "WRONGPASS", "NOPERM", "READONLY", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN",
      "MASTERDOWN", "CROSSSLOT", "EXECABORT", "NOREPLICAS", "MISCONF", "UNBLOCKED", "NOPROTO");
  /** Replies that mean "the server is not ready now": retried like a lost connection. */
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "MOVED", "ASK");

  private RedisErrors() {
  }

  /** The error code of a Redis error reply, or null when {@code t} is not one. */
  public static String code(Throwable t) {
    if (t == null || t.getMessage() == null) {
      return null;
    }
    String m = t.getMessage();
    int space = m.indexOf(' ');
    String first = space < 0 ? m : m.substring(0, space);
    boolean reply = t instanceof Reply || t.getClass().getName().startsWith("io.vertx.redis");
    return CODES.contains(first) && reply ? first : null;
  }

  /** True when {@code word} is an error code this class knows. */
  public static boolean isCode(String word) {
    return CODES.contains(word);
  }

  /** A Redis error reply recovered from a failed batch (see {@link ClusterRoutes#batch}). */
  public static final class Reply extends RuntimeException {
    Reply(String message) {
      super(message, null, false, false);
    }
  }

  public static boolean is(Throwable t, String code) {
    return code.equals(code(t));
  }

  /** True for a reply error that retrying cannot fix (wrong type, no permission, script error...). */
  public static boolean isPermanent(Throwable t) {
    String code = code(t);
    return code != null && !TRANSIENT.contains(code);
  }

  /** True when retrying may help: lost connection, timeout, or a transient reply (LOADING, CLUSTERDOWN...). */
  public static boolean isRetryable(Throwable t) {
    return !isPermanent(t) && !(t instanceof IllegalArgumentException) && tlsFailure(t) == null;
  }

  /**
   * The message of a TLS failure in {@code t}'s causes (an untrusted certificate on either side, a protocol
   * mismatch), else null. Retrying cannot fix the configuration, so such failures are reported at once.
   */
  public static String tlsFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return String.valueOf(c.getMessage());
      }
    }
    return null;
  }
}
