package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.impl.connection.ServiceLimits;
import io.streambus.impl.wire.Outcome;
import io.streambus.impl.wire.RenewScript;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The entries this subscription holds (queued for a handler, in a handler, being settled), and their leases: one
 * renew step per partition per tick (renew.lua) keeps their idle time in the group's pending list far below the claim
 * min idle, so no peer claims what is being worked on, and keeps this subscription's membership of the group (which
 * also tells it the smallest claim min idle of the live members, and so how often to renew). When a renewal shows an
 * entry is no longer ours, the entry is marked lost and reported once; the other units then leave it alone. Used from
 * the subscription's context only.
 */
final class Leases implements Dispatcher.Leased {
  /** Renew this many times per claim min idle (the smallest of the group's live members). */
  static final int RENEWALS_PER_IDLE = 4;
  private static final long MIN_PERIOD_MS = 25;

  /** Who hears what the renewals find: the subscription's other units, through its wiring. */
  interface Events {
    /** After each renewal that reached every partition. */
    void renewed();

    /** Once, when another process took over this consumer name: every held entry is lost. */
    void fenced();

    /**
     * When a renewal finds the group paused ({@code BusAdmin.pauseGroup}) or no longer paused; told before the
     * {@link #renewed()} of that renewal, and at the join when the group is paused already.
     */
    void groupPaused(boolean paused);
  }

  /** An entry held by this subscription. */
  static final class Held {
    final DefaultMessage message;
    /** When the command that brought it was sent: Redis delivered it no earlier (System.nanoTime). */
    final long heldAtNanos;
    boolean lost;

    Held(DefaultMessage message, long heldAtNanos) {
      this.message = message;
      this.heldAtNanos = heldAtNanos;
    }
  }

  private final ConsumerScope scope;
  private final List<Map<String, Held>> held = new ArrayList<>();
  private final Events events;
  private long groupMinIdleMs;
  /** Per partition, the owner's consumer name as the last renewal saw it ("" for none); ordered processing only. */
  private final String[] owners;
  /** The group's live members (consumer names, sorted) as the last renewal of partition 0 saw them. */
  private List<String> members = List.of();
  /** Per partition, whether the last renewal found the group's pause flag there. */
  private final boolean[] pausedOn;
  /** The group is paused: nothing held starts (it waits, its lease renewed) until a renewal finds it resumed. */
  private boolean groupPaused;
  /** When the last renewal that reached every partition was sent (System.nanoTime). */
  private long renewedAtNanos = System.nanoTime();
  private long timer = -1;
  private boolean running;
  private boolean renewing;
  private boolean fenced;

  Leases(ConsumerScope scope, Events events) {
    this.scope = scope;
    this.events = events;
    this.groupMinIdleMs = scope.options.getClaimMinIdleMs();
    this.owners = new String[scope.partitions];
    Arrays.fill(owners, "");
    this.pausedOn = new boolean[scope.partitions];
    for (int p = 0; p < scope.partitions; p++) {
      held.add(new HashMap<>());
    }
  }

  /**
   * Holds {@code message}, brought by a read or claim sent at {@code sentAtNanos}; false when it is held already (a
   * claim raced with the read that brought it).
   */
  boolean hold(DefaultMessage message, long sentAtNanos) {
    return held.get(message.partition()).putIfAbsent(message.id().value(), new Held(message, sentAtNanos)) == null;
  }

  /** True while {@code message} is held and its lease was not lost. */
  @Override
  public boolean owns(DefaultMessage message) {
    Held h = held.get(message.partition()).get(message.id().value());
    return h != null && !h.lost;
  }

  /**
   * True when {@code message}'s lease is certainly still ours: it was read or renewed less than the group's claim
   * min idle ago, less a renewal period of margin. After a pause (a stop-the-world GC, a frozen VM) that is no longer
   * certain: a peer may have claimed it meanwhile, and starting its handler could run it twice at once. Such a
   * message waits for the next renewal, which either confirms or loses it.
   */
  @Override
  public boolean fresh(DefaultMessage message) {
    if (groupPaused) {
      return false;
    }
    Held h = held.get(message.partition()).get(message.id().value());
    if (h == null) {
      return false;
    }
    long since = Math.max(h.heldAtNanos, renewedAtNanos);
    return System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(groupMinIdleMs - periodMs());
  }

  /** Its fate is recorded in Redis (or it was lost): let go. */
  void release(int partition, String id) {
    held.get(partition).remove(id);
  }

  /** The ids of {@code partition} held now (a claim must not take them). */
  List<String> ids(int partition) {
    return new ArrayList<>(held.get(partition).keySet());
  }

  boolean isEmpty() {
    for (Map<String, Held> m : held) {
      if (!m.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Marks a held entry lost (once) and reports it. It stays held until the unit that has it lets go: a queued entry
   * is dropped when its turn comes, a running handler's outcome is discarded, a settle step in flight ends.
   */
  void lose(int partition, String id, String reason) {
    Held h = held.get(partition).get(id);
    if (h != null && !h.lost) {
      h.lost = true;
      scope.meters.leaseLost.increment();
      scope.listener.onLeaseLost(h.message, reason);
    }
  }

  boolean isFenced() {
    return fenced;
  }

  /**
   * Joins the group on every partition (taking the consumer name over from a process that held it: that one is
   * fenced at its next step). The future gives the smallest claim min idle among the other live members, or -1.
   */
  Future<Long> join() {
    List<Future<RenewScript.Reply>> all = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      all.add(renewStep(p, true, List.of()));
    }
    return Future.all(all).compose(cf -> {
      for (int p = 0; p < scope.partitions; p++) {
        RenewScript.Reply r = all.get(p).result();
        if (r.outcome() == Outcome.CONFLICT) {
          return Future.failedFuture(new BusException("group '" + scope.group + "' of topic '" + scope.topic
              + "' is consumed with ordering " + r.conflictOrdering() + " by its member '" + r.conflictMember()
              + "'; this subscription asks for " + scope.options.getOrdering() + ": every member of a group must "
              + "use the same ordering"));
        }
      }
      return Future.succeededFuture(cf);
    }).map(cf -> {
      long others = -1;
      for (int p = 0; p < scope.partitions; p++) {
        RenewScript.Reply r = all.get(p).result();
        long o = r.othersMinIdle();
        if (o >= 0 && (others < 0 || o < others)) {
          others = o;
        }
        view(p, r);
        if (r.tookOver() && p == 0) {
          scope.listener.onRedisError(scope.stream(p), "join", new IllegalStateException("consumer name '"
              + scope.consumer + "' was held by another live process; it is taken over here, and that process "
              + "stops at its next step (give each process its own name unless this is a restart)"));
        }
      }
      adoptIdle(others);
      renewedAtNanos = System.nanoTime();
      followPause();
      return others;
    });
  }

  /** The renewal period: a fraction of the smallest claim min idle of the group's live members, this one included. */
  long periodMs() {
    return Math.max(MIN_PERIOD_MS, groupMinIdleMs / RENEWALS_PER_IDLE);
  }

  void start() {
    running = true;
    schedule();
  }

  void stop() {
    running = false;
    if (timer >= 0) {
      scope.vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void schedule() {
    if (running) {
      timer = scope.vertx.setTimer(periodMs(), t -> {
        timer = -1;
        tick();
      });
    }
  }

  private void tick() {
    if (!running || renewing || fenced) {
      return;
    }
    renewing = true;
    long sentAt = System.nanoTime();
    List<Future<?>> all = new ArrayList<>();
    long[] others = {-1};
    for (int p = 0; p < scope.partitions; p++) {
      int partition = p;
      List<String> ids = new ArrayList<>();
      held.get(p).forEach((id, h) -> {
        if (!h.lost) {
          ids.add(id);
        }
      });
      // a step per MAX_IDS_PER_STEP ids: a request of more than 3,999 arguments is refused by ElastiCache Serverless
      for (int from = 0; from == 0 || from < ids.size(); from += ServiceLimits.MAX_IDS_PER_STEP) {
        List<String> step = ids.size() <= ServiceLimits.MAX_IDS_PER_STEP ? ids
            : ids.subList(from, Math.min(ids.size(), from + ServiceLimits.MAX_IDS_PER_STEP));
        all.add(renewStep(p, false, step).onComplete(ar -> renewed(partition, ar, others)));
      }
    }
    Future.all(all).onComplete(ar -> {
      renewing = false;
      adoptIdle(others[0]);
      if (ar.succeeded() && !fenced) {
        renewedAtNanos = sentAt;
        followPause();
        events.renewed();
      }
      schedule();
    });
  }

  /** Takes in a renewal step's reply: fenced, the others' smallest claim min idle, the leases a peer took. */
  private void renewed(int partition, AsyncResult<RenewScript.Reply> ar, long[] others) {
    if (ar.failed()) {
      scope.listener.onRedisError(scope.stream(partition), "lease renewal", ar.cause());
      return;
    }
    RenewScript.Reply r = ar.result();
    if (r.outcome() == Outcome.FENCED) {
      fence();
      return;
    }
    long o = r.othersMinIdle();
    if (o >= 0 && (others[0] < 0 || o < others[0])) {
      others[0] = o;
    }
    view(partition, r);
    for (String id : r.lost()) {
      lose(partition, id, "a peer claimed it after this consumer's lease ran out");
    }
  }

  /** Records the owner, the pause flag and the members a renewal reply reports. */
  private void view(int partition, RenewScript.Reply r) {
    owners[partition] = r.owner();
    pausedOn[partition] = r.paused();
    if (partition == 0) {
      List<String> names = new ArrayList<>(r.members());
      names.sort(null);
      members = names;
    }
  }

  /** The group is paused while the flag is on any partition (a pause or resume in progress sets them one by one). */
  private void followPause() {
    boolean paused = false;
    for (boolean p : pausedOn) {
      paused |= p;
    }
    if (paused != groupPaused) {
      groupPaused = paused;
      events.groupPaused(paused);
    }
  }

  /** Whether the last renewal found the group paused. */
  boolean groupPaused() {
    return groupPaused;
  }

  /** When the last renewal that reached every partition was sent (System.nanoTime). */
  long renewedAtNanos() {
    return renewedAtNanos;
  }

  /** The owner of {@code partition} as the last renewal saw it: its consumer name, or "" for none. */
  String ownerOf(int partition) {
    return owners[partition];
  }

  /** The group's live members (sorted consumer names) as the last renewal saw them. */
  List<String> members() {
    return members;
  }

  /** Replaces a held message by its next delivery (an in-place retry counted one more). */
  void redelivered(DefaultMessage message) {
    Held h = held.get(message.partition()).get(message.id().value());
    if (h != null && !h.lost) {
      held.get(message.partition()).put(message.id().value(), new Held(message, h.heldAtNanos));
    }
  }

  /** The messages of {@code partition} held now. */
  List<DefaultMessage> messages(int partition) {
    List<DefaultMessage> out = new ArrayList<>();
    held.get(partition).values().forEach(h -> out.add(h.message));
    return out;
  }

  private void adoptIdle(long othersMinIdle) {
    long own = scope.options.getClaimMinIdleMs();
    groupMinIdleMs = othersMinIdle < 0 ? own : Math.min(own, othersMinIdle);
  }

  private Future<RenewScript.Reply> renewStep(int partition, boolean join, List<String> ids) {
    long claimMinIdle = scope.options.getClaimMinIdleMs();
    // a member is live while it renews: it counts for the group's smallest claim min idle until it has missed a
    // whole claim min idle of renewals (its time to live); a partition's owner keeps it while it renews, and a dead
    // owner's partitions move after a claim min idle (the ownership's)
    return new RenewScript(scope.stream(partition), scope.members(partition), scope.paused(partition),
        scope.settleOwner(partition),
        scope.group, scope.consumer, scope.token, claimMinIdle, System.currentTimeMillis(), claimMinIdle, join,
        claimMinIdle, scope.options.getOrdering().name(), ids).run(scope.commands, scope.deadline());
  }

  /** Another process took this consumer name: every held entry is lost, and the owner is told once. */
  void fence() {
    if (fenced) {
      return;
    }
    fenced = true;
    stop();
    for (int p = 0; p < scope.partitions; p++) {
      for (String id : ids(p)) {
        lose(p, id, "another process took over consumer name '" + scope.consumer + "'");
      }
    }
    events.fenced();
  }
}
