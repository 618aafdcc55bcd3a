package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.streambus.Subscription;
import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.RedisErrors;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.topic.LagReader;
import io.streambus.impl.tracing.Tracing;
import io.streambus.impl.wire.Keys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One group membership: wires the units (a {@link PartitionReader} per partition, the {@link Dispatcher}, the
 * {@link Settlement}, the {@link Leases} and the loops) and runs its lifecycle: start, pause, resume, close. The units
 * know each other only through what they are given here, never this class. All state is confined to the context the
 * subscription was created on.
 */
public final class DefaultSubscription implements Subscription {
  private final Vertx vertx;
  private final Context context;
  private final ConsumerScope scope;
  private final RedisChannel commands;
  private final List<RedisChannel> readChannels = new ArrayList<>();
  private final List<PartitionReader> readers = new ArrayList<>();
  private final Leases leases;
  private final Dispatcher dispatcher;
  /** Null when tracing is off. */
  private final TracedDeliveries traced;
  private final Settlement settlement;
  private final DueLoop due;
  private final ReclaimLoop reclaim;
  private final CleanupLoop cleanup;
  private final GaugeLoop gauges;
  /** Ordered processing only, else null. */
  private final OrderGate gate;
  private final Ownership ownership;
  private final Runnable onClosed;
  private boolean paused;
  private Future<Void> closing;

  public DefaultSubscription(Vertx vertx, Context context, Channels channels, Keys keys, String topic, String group,
                             String consumerName, int partitions, MessageHandler handler, ConsumerOptions options,
                             BusOptions busOptions, Meters meters, Tracing tracing, Runnable onClosed) {
    this(vertx, context, channels, keys, topic, group, consumerName, partitions, handler, false, options, busOptions,
        meters, tracing, onClosed);
  }

  /** A projection's subscription: as a handler's, but a success applies its writes with the acknowledgement. */
  public DefaultSubscription(Vertx vertx, Context context, Channels channels, Keys keys, String topic, String group,
                             String consumerName, int partitions, Projection projection, ConsumerOptions options,
                             BusOptions busOptions, Meters meters, Tracing tracing, Runnable onClosed) {
    this(vertx, context, channels, keys, topic, group, consumerName, partitions,
        new ProjectionHandler(projection, keys.prefix()), true, options, busOptions, meters, tracing, onClosed);
  }

  private DefaultSubscription(Vertx vertx, Context context, Channels channels, Keys keys, String topic, String group,
                              String consumerName, int partitions, MessageHandler handler, boolean projects,
                              ConsumerOptions options, BusOptions busOptions, Meters meters, Tracing tracing,
                              Runnable onClosed) {
    this.vertx = vertx;
    this.context = context;
    this.onClosed = onClosed;
    this.commands = channels.create("commands of " + consumerName);
    this.scope = new ConsumerScope(vertx, commands, keys, topic, group, consumerName, UUID.randomUUID().toString(),
        partitions, options, busOptions.getPublishTimeoutMs(), SafeListener.of(options.getListener()),
        new ConsumerMeters(meters, topic, group));
    DeliveryPolicy policy = new DeliveryPolicy(options.getMaxDeliveries(), options.getRetry());
    this.leases = new Leases(scope, this::fenced, this::renewed);
    // the due loop needs the claimer, which needs the settlement: the settlement reaches the loop through its field
    this.settlement = new Settlement(context, scope, leases, policy, this::retryDueAt);
    if (projects) {
      settlement.project(new Projector(scope));
    }
    this.traced = tracing.enabled()
        ? new TracedDeliveries(vertx, context, tracing, group, consumerName, options.getMaxInFlight()) : null;
    this.dispatcher = new Dispatcher(vertx, context, handler, options.getMaxInFlight(), options.getMaxRatePerSecond(),
        options.getHandlerTimeoutMs(), scope.meters, leases::owns, leases::fresh, settlement::outcome, traced);
    this.gate = scope.ordered ? new OrderGate(options.getOrdering(), dispatcher::submit) : null;
    Intake intake = new Intake(scope, leases, policy, settlement, gate != null ? gate::submit : dispatcher::submit);
    Claimer claimer = new Claimer(scope, intake, dispatcher::freeForClaim, leases::ids);
    this.due = new DueLoop(scope, claimer, this::isPaused);
    this.reclaim = new ReclaimLoop(scope, claimer, this::isPaused);
    this.cleanup = new CleanupLoop(scope);
    this.gauges = new GaugeLoop(scope, new LagReader(commands, busOptions.getPublishTimeoutMs()));
    // the free slots split fairly between partitions
    int readCount = Math.max(1, (options.getMaxInFlight() + partitions - 1) / partitions);
    boolean canUnblock = busOptions.getTopology() != BusOptions.Topology.SENTINEL;
    PartitionReader.Wiring wiring = new PartitionReader.Wiring(dispatcher, intake, this::isPaused,
        this::recreateGroup, reclaim::recoverOwn, scope.ordered ? claimer::adopt : null);
    for (int p = 0; p < partitions; p++) {
      RedisChannel channel = channels.create("reader of " + scope.stream(p));
      readChannels.add(channel);
      readers.add(new PartitionReader(scope, p, channel, wiring, readCount, canUnblock,
          busOptions.getReconnectInitialMs(), busOptions.getReconnectMaxMs()));
    }
    if (gate != null) {
      dispatcher.countAlso(gate::waiting);
      this.ownership = new Ownership(scope, leases, new OwnedPartitions());
      settlement.use(new OrderedTurns());
    } else {
      this.ownership = null;
    }
  }

  /** Ordered processing: the turns of the order gate, and in-place retries while the partition is owned. */
  private final class OrderedTurns implements Settlement.Turns {
    @Override
    public void done(DefaultMessage message) {
      gate.done(message);
    }

    @Override
    public boolean retryInPlace(int partition) {
      return ownership.active(partition);
    }

    @Override
    public void dispatch(DefaultMessage message) {
      dispatcher.submit(message);
    }
  }

  /** Ordered processing: what ownership starts, stops and waits for, per partition. */
  private final class OwnedPartitions implements Ownership.Partitions {
    @Override
    public void start(int partition) {
      readers.get(partition).start();
    }

    @Override
    public Future<Void> stop(int partition) {
      return readers.get(partition).stop();
    }

    @Override
    public Future<Void> handBackWaiting(int partition) {
      return settlement.handBack(gate.takeWaiting(partition));
    }

    @Override
    public boolean idle(int partition) {
      return gate.idle(partition) && leases.messages(partition).isEmpty();
    }
  }

  private void renewed() {
    dispatcher.renewed();
    if (ownership != null) {
      ownership.renewed();
    }
  }

  private void retryDueAt(long at) {
    due.dueAt(at);
  }

  /** Creates the group on every partition, joins it, then starts reading and the loops. Runs on the context. */
  public Future<Subscription> start() {
    List<Future<Void>> groups = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      groups.add(ensureGroup(p, scope.options.getStartPosition().groupCreateId()));
    }
    return Future.all(groups).compose(v -> openTraced()).compose(v -> leases.join()).map(othersMinIdle -> {
      leases.start();
      due.start();
      if (ownership != null) {
        // ordered: partitions are read by their owners only, and a new owner adopts what is pending first
        ownership.renewed();
      } else {
        readers.forEach(PartitionReader::start);
        // joining with a smaller claim min idle than the others: they renew at the new pace from their next renewal
        long own = scope.options.getClaimMinIdleMs();
        reclaim.start(othersMinIdle > own ? othersMinIdle / Leases.RENEWALS_PER_IDLE + DueLoop.PERIOD_MS : 0);
      }
      cleanup.start();
      gauges.start();
      return (Subscription) this;
    }).recover(e -> stopLoops().transform(x -> closeTraced()).transform(x -> closeChannels())
        .transform(x -> Future.failedFuture(e)));
  }

  /**
   * Recreates a group that vanished under a running subscription (deleted by hand, or lost with a failover to a
   * replica that had not received it): from the beginning of the stream, not from the configured start position.
   * Whatever the stream holds was either never delivered to the group or not acknowledged by it as far as Redis can
   * tell now; starting at "$" would silently skip what was published since the loss. Duplicates, not losses.
   */
  private Future<Void> recreateGroup(int partition) {
    return ensureGroup(partition, "0");
  }

  /** XGROUP CREATE ... MKSTREAM at {@code startId}; an existing group is fine (BUSYGROUP). */
  private Future<Void> ensureGroup(int partition, String startId) {
    String stream = scope.stream(partition);
    Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(scope.group).arg(startId)
        .arg("MKSTREAM");
    return commands.send(create, stream, scope.deadline()).<Void>mapEmpty().recover(e ->
        RedisErrors.is(e, "BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Another process took over this consumer name: nothing held here is ours any more; stop. */
  private void fenced() {
    scope.listener.onRedisError(scope.stream(0), "membership", new BusException("consumer name '" + scope.consumer
        + "' of group '" + scope.group + "' was taken over by another process; this subscription stops"));
    close();
  }

  @Override
  public void pause() {
    context.runOnContext(v -> paused = true);
  }

  @Override
  public void resume() {
    context.runOnContext(v -> {
      if (paused && closing == null) {
        paused = false;
        readers.forEach(PartitionReader::kick);
      }
    });
  }

  private boolean isPaused() {
    return paused || closing != null;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> doClose().onComplete(promise));
    return promise.future();
  }

  /**
   * Stops reading and the loops, hands back what was read but not started, waits for running handlers up to the close
   * deadline (their leases renewed meanwhile), then flushes the acknowledgements and leaves the group. Handlers still
   * running at the deadline are left pending: a peer reclaims them once their lease runs out.
   */
  private Future<Void> doClose() {
    if (closing != null) {
      return closing;
    }
    if (ownership != null) {
      ownership.stop();
    }
    List<Future<Void>> stopped = new ArrayList<>();
    readers.forEach(r -> stopped.add(r.stop()));
    Promise<Void> deadline = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, scope.options.getCloseTimeoutMs()), t -> deadline.tryComplete());
    closing = stopLoops()
        .transform(x -> Future.join(stopped))
        .transform(x -> {
          List<DefaultMessage> notStarted = dispatcher.takeQueued();
          if (gate != null) {
            notStarted.addAll(gate.takeWaiting(-1));
          }
          return settlement.handBack(notStarted);
        })
        .transform(x -> {
          dispatcher.drained().onComplete(ar -> deadline.tryComplete());
          return deadline.future();
        })
        .transform(x -> {
          vertx.cancelTimer(timer);
          leases.stop();
          dispatcher.stop();
          return settlement.flush();
        })
        .transform(x -> ownership == null ? Future.succeededFuture() : ownership.releaseAll())
        .transform(x -> leases.isFenced() ? Future.succeededFuture() : settlement.leave())
        .transform(x -> closeTraced())
        .transform(x -> closeChannels())
        .andThen(x -> onClosed.run())
        .transform(x -> Future.succeededFuture());
    return closing;
  }

  private Future<Void> stopLoops() {
    due.stop();
    reclaim.stop();
    cleanup.stop();
    gauges.stop();
    return Future.succeededFuture();
  }

  private Future<Void> openTraced() {
    return traced == null ? Future.succeededFuture() : traced.open();
  }

  private Future<Void> closeTraced() {
    return traced == null ? Future.succeededFuture() : traced.close();
  }

  private Future<Void> closeChannels() {
    List<Future<Void>> all = new ArrayList<>();
    readChannels.forEach(c -> all.add(c.close()));
    all.add(commands.close());
    return Future.join(all).mapEmpty();
  }

  @Override
  public String topic() {
    return scope.topic;
  }

  @Override
  public String group() {
    return scope.group;
  }

  @Override
  public String consumerName() {
    return scope.consumer;
  }

  @Override
  public int inFlight() {
    return dispatcher.active();
  }

  @Override
  public boolean isClosed() {
    return closing != null;
  }
}
