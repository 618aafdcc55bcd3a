package io.streambus.impl.consume;

import io.streambus.Ordering;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Ordered processing: lets one message per turn (a key's, or a partition's) through to the dispatcher, and holds the
 * rest of that turn's messages back, in the order they came in (stream order: reads and adoption hand them over in id
 * order), until the message before them has had its turn: its handler succeeded, it was dead-lettered, or its lease
 * was lost. A failed message keeps its turn while it is retried in place. The held-back messages count against the
 * subscription's slots ({@link Slots#holdBack}), so a key that is held back long fills them and reading pauses. Used from
 * the subscription's context only.
 */
final class OrderGate implements Intake.Handlers {
  private final Ordering ordering;
  /** Where a message goes when its turn comes; it also counts the messages held back here. */
  private final Slots slots;
  /** Turn to the messages waiting for it; a turn present here is taken (its first message is in the dispatcher). */
  private final Map<String, ArrayDeque<DefaultMessage>> turns = new HashMap<>();

  OrderGate(Ordering ordering, Slots slots) {
    this.ordering = ordering;
    this.slots = slots;
  }

  /** The turn a message waits for, or null when it waits for none (no key, in key ordering). */
  private String turnOf(DefaultMessage m) {
    if (ordering == Ordering.PARTITION) {
      return Integer.toString(m.partition());
    }
    String key = m.key();
    return key == null ? null : m.partition() + "/" + key;
  }

  @Override
  public void submit(DefaultMessage message) {
    String turn = turnOf(message);
    if (turn == null) {
      slots.submit(message);
      return;
    }
    ArrayDeque<DefaultMessage> queue = turns.get(turn);
    if (queue == null) {
      turns.put(turn, new ArrayDeque<>());
      slots.submit(message);
    } else {
      queue.add(message);
      slots.holdBack(1);
    }
  }

  /** {@code message} has had its turn: the next of its key (or partition) goes. */
  void done(DefaultMessage message) {
    String turn = turnOf(message);
    if (turn == null) {
      return;
    }
    ArrayDeque<DefaultMessage> queue = turns.get(turn);
    if (queue == null) {
      return;
    }
    DefaultMessage next = queue.poll();
    if (next == null) {
      turns.remove(turn);
    } else {
      slots.holdBack(-1);
      slots.submit(next);
    }
  }

  /** True when no message of {@code partition} is taking its turn or waiting for one. */
  boolean idle(int partition) {
    String prefix = partition + "/";
    String whole = Integer.toString(partition);
    for (String turn : turns.keySet()) {
      if (turn.equals(whole) || turn.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Removes and returns the messages of {@code partition} (all partitions when -1) waiting for their turn: the
   * partition is being given up, so they go back to the group, to be handled by the next owner in id order.
   */
  List<DefaultMessage> takeWaiting(int partition) {
    List<DefaultMessage> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, ArrayDeque<DefaultMessage>>> it = turns.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ArrayDeque<DefaultMessage>> e = it.next();
      ArrayDeque<DefaultMessage> queue = e.getValue();
      if (!queue.isEmpty() && (partition < 0 || queue.peek().partition() == partition)) {
        out.addAll(queue);
        slots.holdBack(-queue.size());
        queue.clear();
      }
    }
    return out;
  }
}
