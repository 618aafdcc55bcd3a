package io.streambus.dashboard.impl;

import java.util.List;

/** How a consumer group is doing, judged from its last few samples. */
public enum GroupState {
  /** Nothing to do: no lag, nothing pending, nothing delivered lately. */
  IDLE,
  /** Keeping up, or catching up. */
  OK,
  /** The lag grew across the window and the oldest undelivered entry is older than two sample intervals. */
  FALLING_BEHIND,
  /** Entries wait (lag or pending) but nothing was delivered or acknowledged in the whole window. */
  STALLED;

  /**
   * Judges a group from its window of points, oldest first, newest last (at most {@code trendSamples} of them).
   * Points whose rates are unknown (the group's first sample) count as no progress but do not fill the window.
   */
  static GroupState judge(List<GroupPoint> window, int trendSamples, long intervalMs) {
    GroupPoint now = window.get(window.size() - 1);
    long progress = 0;
    int measured = 0;
    for (GroupPoint p : window) {
      if (p.delivered() != null) {
        progress += p.delivered() + p.acked();
        measured++;
      }
    }
    boolean backlog = now.lag() > 0 || now.pending() > 0;
    if (!backlog) {
      return progress == 0 ? IDLE : OK;
    }
    // A window of n points spans n-1 intervals; the stall must have lasted all of trendSamples intervals.
    if (progress == 0 && measured >= trendSamples) {
      return STALLED;
    }
    GroupPoint first = window.get(0);
    // The age test keeps a group that keeps up from flapping: its lag jitters, but its oldest undelivered entry is
    // always fresh.
    if (now.lag() > first.lag() && now.oldestUndeliveredAgeMs() > 2 * intervalMs) {
      return FALLING_BEHIND;
    }
    return OK;
  }
}
