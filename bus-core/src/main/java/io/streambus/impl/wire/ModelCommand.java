package io.streambus.impl.wire;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The writes a projection may make, and the argument checks that need no Redis state. Only deterministic commands on
 * one key (the first argument) that cannot fail once their key's type and, for increments, the value they add to are
 * checked (which project.lua does, before the first write): a command outside this list could touch undeclared keys,
 * block, or fail halfway through a step that Redis does not roll back. project.lua holds the same list with each
 * command's key type.
 */
public enum ModelCommand {
  SET {
    @Override
    String check(String[] a) {
      return a.length < 1 ? "SET needs a value" : setOptions(a);
    }
  },
  INCR(0),
  DECR(0),
  INCRBY {
    @Override
    String check(String[] a) {
      return one(a, integer(a, 0));
    }
  },
  DECRBY {
    @Override
    String check(String[] a) {
      return one(a, integer(a, 0) == null && a[0].equals(Long.toString(Long.MIN_VALUE))
          ? "DECRBY " + a[0] + " would overflow" : integer(a, 0));
    }
  },
  INCRBYFLOAT {
    @Override
    String check(String[] a) {
      return one(a, decimal(a, 0));
    }
  },
  APPEND(1),
  HSET {
    @Override
    String check(String[] a) {
      return a.length < 2 || a.length % 2 != 0 ? "HSET needs field value pairs" : null;
    }
  },
  HSETNX(2),
  HDEL(-1),
  HINCRBY {
    @Override
    String check(String[] a) {
      return a.length != 2 ? "HINCRBY needs a field and an increment" : integer(a, 1);
    }
  },
  HINCRBYFLOAT {
    @Override
    String check(String[] a) {
      return a.length != 2 ? "HINCRBYFLOAT needs a field and an increment" : decimal(a, 1);
    }
  },
  SADD(-1),
  SREM(-1),
  ZADD {
    @Override
    String check(String[] a) {
      return zaddArguments(a);
    }
  },
  ZINCRBY {
    @Override
    String check(String[] a) {
      return a.length != 2 ? "ZINCRBY needs an increment and a member" : score(a, 0);
    }
  },
  ZREM(-1),
  LPUSH(-1),
  RPUSH(-1),
  LTRIM {
    @Override
    String check(String[] a) {
      if (a.length != 2) {
        return "LTRIM needs a start and a stop";
      }
      String bad = integer(a, 0);
      return bad != null ? bad : integer(a, 1);
    }
  },
  DEL(0),
  EXPIRE {
    @Override
    String check(String[] a) {
      return one(a, positive(a, 0, 3_155_760_000L));
    }
  },
  PEXPIRE {
    @Override
    String check(String[] a) {
      return one(a, positive(a, 0, 3_155_760_000_000L));
    }
  },
  PERSIST(0);

  /** The most arguments one write may have (Lua unpacks them onto its stack). */
  public static final int MAX_ARGS = 1_000;

  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,18})");
  /** What both Redis (strtod/strtold) and Lua read as the same finite number. */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern INFINITY = Pattern.compile("[+-]?inf");
  private static final Set<String> ZADD_FLAGS = Set.of("NX", "XX", "GT", "LT", "CH");

  /** -1: at least one argument; else exactly that many; unused by the constants that override check. */
  private final int arity;

  ModelCommand() {
    this(-2);
  }

  ModelCommand(int arity) {
    this.arity = arity;
  }

  /** The accepted command named {@code name} (any case), or null. */
  public static ModelCommand named(String name) {
    if (name == null) {
      return null;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Why {@code args} (the arguments after the key) are refused, or null when they are fine. */
  public String refusal(String[] args) {
    if (args.length > MAX_ARGS) {
      return name() + " with " + args.length + " arguments (at most " + MAX_ARGS + " per write)";
    }
    for (String a : args) {
      if (a == null) {
        return name() + " with a null argument";
      }
    }
    return check(args);
  }

  String check(String[] a) {
    if (arity == -1) {
      return a.length < 1 ? name() + " needs at least one argument" : null;
    }
    return a.length != arity ? name() + " takes " + arity + " argument(s), got " + a.length : null;
  }

  private static String one(String[] a, String argumentRefusal) {
    return a.length != 1 ? "takes one argument, got " + a.length : argumentRefusal;
  }

  private static String integer(String[] a, int i) {
    if (a.length <= i || !INTEGER.matcher(a[i]).matches()) {
      return "'" + (a.length <= i ? "" : a[i]) + "' is not an integer";
    }
    try {
      Long.parseLong(a[i]);
      return null;
    } catch (NumberFormatException e) {
      return "'" + a[i] + "' is not a 64-bit integer";
    }
  }

  private static String positive(String[] a, int i, long max) {
    String bad = integer(a, i);
    if (bad != null) {
      return bad;
    }
    long v = Long.parseLong(a[i]);
    return v < 1 || v > max ? "expiry " + v + " is not between 1 and " + max : null;
  }

  private static String decimal(String[] a, int i) {
    if (a.length <= i || !DECIMAL.matcher(a[i]).matches() || Double.isInfinite(Double.parseDouble(a[i]))) {
      return "'" + (a.length <= i ? "" : a[i]) + "' is not a finite decimal number";
    }
    return null;
  }

  private static String score(String[] a, int i) {
    return a.length > i && INFINITY.matcher(a[i]).matches() ? null : decimal(a, i);
  }

  /** {@code value [NX|XX] [EX s|PX ms|KEEPTTL]}. */
  private static String setOptions(String[] a) {
    boolean condition = false;
    boolean expiry = false;
    for (int i = 1; i < a.length; i++) {
      String o = a[i].toUpperCase(Locale.ROOT);
      if ((o.equals("NX") || o.equals("XX")) && !condition) {
        condition = true;
      } else if (o.equals("KEEPTTL") && !expiry) {
        expiry = true;
      } else if ((o.equals("EX") || o.equals("PX")) && !expiry && i + 1 < a.length) {
        expiry = true;
        String bad = positive(a, ++i, o.equals("EX") ? 3_155_760_000L : 3_155_760_000_000L);
        if (bad != null) {
          return bad;
        }
      } else {
        return "SET option '" + a[i] + "' is not accepted (value [NX|XX] [EX s|PX ms|KEEPTTL])";
      }
    }
    return null;
  }

  /** {@code [NX|XX] [GT|LT] [CH] score member...}: INCR is ZINCRBY's job, and NX with GT or LT is a Redis error. */
  private static String zaddArguments(String[] a) {
    int i = 0;
    Set<String> flags = new java.util.HashSet<>();
    while (i < a.length && ZADD_FLAGS.contains(a[i].toUpperCase(Locale.ROOT))) {
      flags.add(a[i++].toUpperCase(Locale.ROOT));
    }
    if ((flags.contains("NX") && (flags.contains("XX") || flags.contains("GT") || flags.contains("LT")))
        || (flags.contains("GT") && flags.contains("LT"))) {
      return "ZADD flags " + flags + " do not go together";
    }
    if (a.length - i < 2 || (a.length - i) % 2 != 0) {
      return "ZADD needs score member pairs";
    }
    for (; i < a.length; i += 2) {
      String bad = score(a, i);
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }
}
