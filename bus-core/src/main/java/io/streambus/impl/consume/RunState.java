package io.streambus.impl.consume;

/**
 * Whether the subscription is paused or closing: what its read loops and periodic loops read before they ask for
 * more work. Only the lifecycle ({@link DefaultSubscription}) changes it. Used from the subscription's context only.
 */
final class RunState {
  private boolean paused;
  private boolean closing;

  /** True while paused or closing: no new work is asked for. */
  boolean paused() {
    return paused || closing;
  }

  void pause() {
    paused = true;
  }

  /** Ends a pause; false when there was none to end, or when closing (which no resume ends). */
  boolean resume() {
    if (!paused || closing) {
      return false;
    }
    paused = false;
    return true;
  }

  void closing() {
    closing = true;
  }
}
