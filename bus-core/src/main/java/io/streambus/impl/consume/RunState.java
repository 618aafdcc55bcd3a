package io.streambus.impl.consume;

/**
 * Whether the subscription is paused or closing: what its read loops and periodic loops read before they ask for
 * more work. Only the lifecycle ({@link DefaultSubscription}) changes it. Used from the subscription's context only.
 */
final class RunState {
  private boolean paused;
  private boolean groupPaused;
  private boolean closing;

  /** True while paused (by this subscription or with its whole group) or closing: no new work is asked for. */
  boolean paused() {
    return paused || groupPaused || closing;
  }

  /**
   * The group was paused or resumed ({@code BusAdmin.pauseGroup}); true when that ended the last pause, so the
   * readers are to be kicked.
   */
  boolean group(boolean paused) {
    boolean was = paused();
    groupPaused = paused;
    return was && !paused();
  }

  void pause() {
    paused = true;
  }

  /**
   * Ends this subscription's own pause; false when there was none to end, when closing (which no resume ends), or
   * while the group is paused (the group's resume ends that).
   */
  boolean resume() {
    if (!paused || closing) {
      return false;
    }
    paused = false;
    return !groupPaused;
  }

  void closing() {
    closing = true;
  }
}
