package io.streambus.impl.consume;

/** The free handler slots ({@link Slots}) that reads and claims may ask for. */
interface Budget {
  /** How many entries a read may ask for now (at most {@code max}); reserved until {@link #readDone}. */
  int reserve(int max);

  /** Ends a read's reservation (before its entries are handed over). */
  void readDone(int reserved);

  /** Runs {@code r} once, the next time a slot frees up. */
  void onRelease(Runnable r);

  /** Free handler slots, ignoring read reservations: what a claim may ask for. */
  int freeForClaim();
}
