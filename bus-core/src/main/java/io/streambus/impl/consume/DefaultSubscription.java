package io.streambus.impl.consume;

import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.MessageHandler;
import io.streambus.Projection;
import io.streambus.Subscription;
import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.topic.LagReader;
import io.streambus.impl.tracing.Tracing;
import io.streambus.impl.wire.Keys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One group membership: wires the units (a {@link PartitionReader} per partition, the {@link Dispatcher}, the
 * {@link Settlement}, the {@link Leases}, the loops, and the {@link Sequencing} chosen here once) and runs its
 * lifecycle: start, pause, resume, close. The units know each other only through what they are given here, never this
 * class. All state is confined to the context the subscription was created on.
 */
public final class DefaultSubscription implements Subscription {
  private final Vertx vertx;
  private final Context context;
  private final ConsumerScope scope;
  private final RedisChannel commands;
  private final List<RedisChannel> readChannels = new ArrayList<>();
  private final List<PartitionReader> readers = new ArrayList<>();
  private final RunState state = new RunState();
  private final Groups groups;
  private final Leases leases;
  private final Dispatcher dispatcher;
  private final Settlement settlement;
  private final Sequencing sequencing;
  private final DueLoop due;
  private final ReclaimLoop reclaim;
  private final CleanupLoop cleanup;
  private final GaugeLoop gauges;
  private final Runnable onClosed;
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
    this.groups = new Groups(scope);
    this.leases = new Leases(scope, new LeaseEvents());
    this.settlement = new Settlement(context, scope, leases, policy, projects);
    this.dispatcher = new Dispatcher(vertx, context, handler, options.getMaxInFlight(), options.getMaxRatePerSecond(),
        options.getHandlerTimeoutMs(), scope.meters, leases, settlement, tracing, group, consumerName);
    Slots slots = dispatcher.slots();
    // the one place the ordering is looked at; the readers are added below, before anything starts
    this.sequencing = scope.ordered ? new OrderedSequencing(scope, leases, settlement, slots, readers)
        : new UnorderedSequencing(scope, slots, readers);
    Intake intake = new Intake(scope, leases, policy, settlement, sequencing.handlers());
    Claimer claimer = new Claimer(scope, intake, slots, leases);
    this.due = new DueLoop(scope, sequencing.dueRetries(claimer), state);
    this.reclaim = new ReclaimLoop(scope, claimer, state);
    this.cleanup = new CleanupLoop(scope);
    this.gauges = new GaugeLoop(scope, new LagReader(commands, busOptions.getPublishTimeoutMs()));
    // the settlement's turns and retry timing are built from units that need the settlement
    settlement.use(sequencing, due);
    // the free slots split fairly between partitions
    int readCount = Math.max(1, (options.getMaxInFlight() + partitions - 1) / partitions);
    boolean canUnblock = busOptions.getTopology() != BusOptions.Topology.SENTINEL;
    PartitionReader.Wiring wiring = new PartitionReader.Wiring(slots, intake, state, groups,
        sequencing.pending(claimer));
    for (int p = 0; p < partitions; p++) {
      RedisChannel channel = channels.create("reader of " + scope.stream(p));
      readChannels.add(channel);
      readers.add(new PartitionReader(scope, p, channel, wiring, readCount, canUnblock,
          busOptions.getReconnectInitialMs(), busOptions.getReconnectMaxMs()));
    }
  }

  /** What the lease renewals find: parked messages and ownership follow each renewal; fencing stops the subscription. */
  private final class LeaseEvents implements Leases.Events {
    @Override
    public void renewed() {
      dispatcher.renewed();
      sequencing.renewed();
    }

    @Override
    public void groupPaused(boolean paused) {
      scope.meters.groupPaused(paused);
      if (state.group(paused)) {
        readers.forEach(PartitionReader::kick);
      }
    }

    @Override
    public void fenced() {
      scope.listener.onRedisError(scope.stream(0), "membership", new BusException("consumer name '"
          + scope.consumer + "' of group '" + scope.group + "' was taken over by another process; this subscription "
          + "stops"));
      close();
    }
  }

  /** Creates the group on every partition, joins it, then starts reading and the loops. Runs on the context. */
  public Future<Subscription> start() {
    List<Future<Void>> created = new ArrayList<>();
    for (int p = 0; p < scope.partitions; p++) {
      created.add(groups.ensure(p, scope.options.getStartPosition().groupCreateId()));
    }
    return Future.all(created).compose(v -> dispatcher.open()).compose(v -> leases.join()).map(othersMinIdle -> {
      leases.start();
      due.start();
      sequencing.start(reclaim, othersMinIdle);
      cleanup.start();
      gauges.start();
      return (Subscription) this;
    }).recover(e -> stopLoops().transform(x -> dispatcher.close()).transform(x -> closeChannels())
        .transform(x -> Future.failedFuture(e)));
  }

  @Override
  public void pause() {
    context.runOnContext(v -> state.pause());
  }

  @Override
  public void resume() {
    context.runOnContext(v -> {
      if (state.resume()) {
        readers.forEach(PartitionReader::kick);
      }
    });
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
    state.closing();
    sequencing.stop();
    List<Future<Void>> stopped = new ArrayList<>();
    readers.forEach(r -> stopped.add(r.stop()));
    Promise<Void> deadline = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, scope.options.getCloseTimeoutMs()), t -> deadline.tryComplete());
    closing = stopLoops()
        .transform(x -> Future.join(stopped))
        .transform(x -> {
          List<DefaultMessage> notStarted = dispatcher.takeQueued();
          notStarted.addAll(sequencing.takeWaiting());
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
        .transform(x -> sequencing.releaseAll())
        .transform(x -> leases.isFenced() ? Future.succeededFuture() : settlement.leave())
        .transform(x -> dispatcher.close())
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
