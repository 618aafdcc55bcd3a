package io.streambus.impl.connection;

import io.streambus.impl.wire.Replies;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises Redis error replies. The client reports them as an exception of an internal type whose message is the
 * error text, so the error code (first word) is what we match on, here and nowhere else.
 */
public final class RedisErrors {
  private static final Set<String> CODES = Set.of("ERR", "WRONGTYPE", "NOGROUP", "BUSYGROUP", "NOSCRIPT", "LOADING",
      "BUSY", "OOM", "NOAUTH", "WRONGPASS", "NOPERM", "READONLY", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN",
      "MASTERDOWN", "CROSSSLOT", "EXECABORT", "NOREPLICAS", "MISCONF", "UNBLOCKED", "NOPROTO");
  /** Replies that mean "the server is not ready now": retried like a lost connection. */
  /** An SSLException rendered as text by {@code Throwable.toString()}: its class, then its message. */
  private static final Pattern SSL_IN_TEXT = Pattern.compile("javax\\.net\\.ssl\\.\\w+: ([^\\n]*)");
  /** {@code - rediss://[user:password@]host:port: ...javax.net.ssl...}: the address only, never the credentials. */
  private static final Pattern ADDRESS_BEFORE_SSL = Pattern.compile(
      "rediss?://(?:[^@\\s]*@)?([^\\s/@]+:\\d+)[^\\n]*javax\\.net\\.ssl\\.");
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "MOVED", "ASK");

  private RedisErrors() {
  }

  /**
   * {@code t} for a message: its type and text, any password in a connection string it names replaced by {@code ***}
   * (the cluster client's connect failures list the nodes' URLs).
   */
  public static String describe(Throwable t) {
    String m = t.getMessage() == null ? "" : ": " + io.streambus.BusOptions.redact(t.getMessage());
    return t.getClass().getSimpleName() + m;
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
   * mismatch), else null. Retrying cannot fix the configuration, so such failures are reported at once. The cluster
   * client reports a failed connect as one exception with no cause, its message listing each node's failure as
   * text ({@code ... - rediss://host:port: javax.net.ssl.SSLHandshakeException: <reason>}): that text counts too.
   */
  public static String tlsFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return String.valueOf(c.getMessage());
      }
      Matcher m = c.getMessage() == null ? null : SSL_IN_TEXT.matcher(c.getMessage());
      if (m != null && m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  /** True when an {@link javax.net.ssl.SSLException} itself is among {@code t}'s causes (not only its text). */
  public static boolean hasSslException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code host:port} the cluster client names with the TLS failure in {@code t}'s message, or null when it
   * names none (its failure to read the slot map from any seed names no address).
   */
  public static String tlsFailureAddress(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      Matcher m = c.getMessage() == null ? null : ADDRESS_BEFORE_SSL.matcher(c.getMessage());
      if (m != null && m.find()) {
        return m.group(1);
      }
    }
    return null;
  }
}
