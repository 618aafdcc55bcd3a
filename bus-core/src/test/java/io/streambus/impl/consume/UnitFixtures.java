package io.streambus.impl.consume;

import java.util.function.IntSupplier;

/** Consumer units that break the rules of {@code ImplLayersTest}: they show that its rules can fail. */
public final class UnitFixtures {
  private UnitFixtures() {
  }

  /** A unit that reaches back into the subscription that wires it. */
  public static final class ReachesBack {
    final DefaultSubscription subscription;

    ReachesBack(DefaultSubscription subscription) {
      this.subscription = subscription;
    }
  }

  /** A unit handed a lambda instead of a named collaborator. */
  public static final class HoldsAFunction {
    final IntSupplier freeSlots;

    HoldsAFunction(IntSupplier freeSlots) {
      this.freeSlots = freeSlots;
    }
  }
}
