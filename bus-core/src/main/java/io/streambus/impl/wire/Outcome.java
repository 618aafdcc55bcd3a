package io.streambus.impl.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * What a script did: the first element of every script's reply ({@code {outcome, data...}}), named once in the
 * prelude (prelude.lua) and decoded here. Each script's type says which of them it answers.
 */
public enum Outcome {
  /** The step did what it was asked; the reply's data follows. */
  DONE("done"),
  /** The entry, or the partition (ordered processing), is another consumer's now: nothing was changed. */
  NOT_OURS("not_ours"),
  /** Another process took this consumer name (its token is another): this one must not touch an entry again. */
  FENCED("fenced"),
  /** The entry no longer exists (trimmed, or deleted). */
  GONE("gone"),
  /** The entry is pending nowhere: settled already (a run whose reply a dropped connection lost, run again). */
  SETTLED("settled"),
  /** A check refused the step before anything was written; the reason follows. */
  INVALID("invalid"),
  /** Joining refused: a live member of the group uses another ordering; its name and ordering follow. */
  CONFLICT("conflict"),
  /** A request found no live responder serving the partition: nothing was stored. */
  UNSERVED("unserved");

  private static final Outcome[] ALL = values();

  private final String wire;
  private final byte[] bytes;

  Outcome(String wire) {
    this.wire = wire;
    this.bytes = wire.getBytes(StandardCharsets.UTF_8);
  }

  /** The outcome's text in the scripts' replies. */
  public String wire() {
    return wire;
  }

  /** The outcome whose text {@code b} holds, or null; compares bytes in place (no string per reply). */
  static Outcome of(Buffer b) {
    for (Outcome o : ALL) {
      if (b.length() == o.bytes.length && same(b, o.bytes)) {
        return o;
      }
    }
    return null;
  }

  private static boolean same(Buffer b, byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (b.getByte(i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
