package io.streambus.impl.connection;

import io.netty.channel.EventLoop;
import io.streambus.BusException;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fails the promises of commands sent on one channel with {@link BusException.Timeout} at their deadlines, on their
 * callers' contexts. One timer per watch list, armed for its earliest deadline, instead of a timer per command:
 * setting and cancelling a Vert.x timer for every publish cost more than a tenth of the publish path's CPU.
 * <p>
 * Each event-loop thread keeps a list of its own: a bus's command channel is shared by every verticle that publishes
 * through it, and one list behind one lock, taken twice per command from several event loops, was the hottest frame
 * of an end-to-end run. A thread's list is only touched by that thread (its sweep is scheduled on the
 * same event loop); callers off event loops share one list, swept on one event loop of the Vert.x instance.
 * <p>
 * The sweeps are scheduled on the Netty event loop itself, not as Vert.x timers: a Vert.x timer belongs to the
 * verticle that set it and is cancelled when that verticle is undeployed, and the list's other commands, those of
 * the verticles still running on the event loop, would then not fail at their deadlines. ({@code ContextInternal} and
 * {@code VertxInternal} are Vert.x's API for its own modules, which vertx-redis-client uses too.)
 */
final class Deadlines {
  private final String name;
  /** Why the channel cannot reach Redis now, for the timeout's message; null while it is connected. */
  private volatile String unreachable;
  private final ThreadLocal<Watch> perEventLoop = new ThreadLocal<>();
  private final Watch shared;

  Deadlines(Vertx vertx, String name) {
    this.name = name;
    this.shared = new Watch(true, ((VertxInternal) vertx).nettyEventLoopGroup().next());
  }

  /**
   * Tells why the channel cannot reach Redis (a failed connect: the address tried and its error), or null once it is
   * connected again: a command that times out meanwhile says so, instead of only that Redis did not answer.
   */
  void unreachable(String why) {
    unreachable = why;
  }

  void watch(Promise<?> promise, long deadline) {
    Context context = Vertx.currentContext();
    Deadline d = new Deadline(promise, deadline, context);
    if (context == null || !context.isEventLoopContext()) {
      synchronized (shared) {
        shared.add(d);
      }
      return;
    }
    Watch watch = perEventLoop.get();
    if (watch == null) {
      watch = new Watch(false, ((ContextInternal) context).nettyEventLoop());
      perEventLoop.set(watch);
    }
    watch.add(d);
  }

  /** A command awaiting its reply, when it must fail, and the context of its caller (null off Vert.x threads). */
  private record Deadline(Promise<?> promise, long at, Context context) {
  }

  /**
   * Commands watched, oldest first. A per-event-loop list is touched by its thread alone; the shared one is guarded
   * by its own lock (taken by the caller of {@link #add}, and by {@link #sweep}).
   */
  private final class Watch {
    private final boolean shared;
    /** Where the sweeps run: the list's own event loop (any one for the shared list). */
    private final EventLoop loop;
    private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>();
    private ScheduledFuture<?> scheduled;
    private long sweepAt = Long.MAX_VALUE;
    private int adds;

    Watch(boolean shared, EventLoop loop) {
      this.shared = shared;
      this.loop = loop;
    }

    void add(Deadline d) {
      // replies come back in order on one connection: dropping answered commands from the head keeps this short. Every
      // 64th call, not each: the head is an old entry, and reaching it per command was a tenth of the publish path's
      // CPU, mostly cache misses; together, they are read in a row.
      if ((++adds & 63) == 0) {
        while (!deadlines.isEmpty() && deadlines.peekFirst().promise().future().isComplete()) {
          deadlines.pollFirst();
        }
      }
      deadlines.addLast(d);
      if (d.at() < sweepAt) {
        arm(d.at());
      }
    }

    /** Schedules the sweep for {@code at} (epoch ms), replacing the one scheduled. */
    private void arm(long at) {
      if (scheduled != null) {
        scheduled.cancel(false);
      }
      sweepAt = at;
      scheduled = loop.schedule(this::sweep, Math.max(1, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    /** Fails every command past its deadline, forgets the answered ones, and re-arms for the next deadline. */
    private void sweep() {
      List<Deadline> expired;
      if (shared) {
        synchronized (this) {
          expired = expire();
        }
      } else {
        expired = expire();
      }
      for (Deadline d : expired) {
        String why = unreachable;
        Runnable fail = () -> d.promise().tryFail(new BusException.Timeout("Redis did not answer within the deadline ("
            + name + ")" + (why == null ? "" : "; " + why)));
        if (d.context() == null) {
          fail.run();
        } else {
          d.context().runOnContext(v -> fail.run());
        }
      }
    }

    /** Takes the commands past their deadlines off the list, forgets the answered ones, and re-arms. */
    private List<Deadline> expire() {
      List<Deadline> expired = new ArrayList<>();
      long now = System.currentTimeMillis();
      scheduled = null;
      sweepAt = Long.MAX_VALUE;
      long next = Long.MAX_VALUE;
      for (Iterator<Deadline> it = deadlines.iterator(); it.hasNext(); ) {
        Deadline d = it.next();
        if (d.promise().future().isComplete()) {
          it.remove();
        } else if (d.at() <= now) {
          it.remove();
          expired.add(d);
        } else {
          next = Math.min(next, d.at());
        }
      }
      if (next != Long.MAX_VALUE) {
        arm(next);
      }
      return expired;
    }
  }
}
