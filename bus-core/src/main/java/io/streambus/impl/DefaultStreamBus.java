package io.streambus.impl;

import io.streambus.impl.admin.DefaultBusAdmin;
import io.streambus.impl.admin.DefaultDeadLetters;
import io.streambus.impl.connection.Channels;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.connection.SentinelWatch;
import io.streambus.impl.consume.DefaultSubscription;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.publish.Publisher;
import io.streambus.impl.request.Presence;
import io.streambus.impl.request.Requester;
import io.streambus.impl.request.Responder;
import io.streambus.impl.request.ResponderSubscription;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.topic.TopicTrimmer;
import io.streambus.impl.tracing.Tracing;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Replies;
import io.micrometer.core.instrument.MeterRegistry;
import io.streambus.admin.BusAdmin;
import io.streambus.BusException;
import io.streambus.BusOptions;
import io.streambus.ConsumerOptions;
import io.streambus.admin.DeadLetters;
import io.streambus.MessageHandler;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.Projection;
import io.streambus.Reply;
import io.streambus.RequestHandler;
import io.streambus.StreamBus;
import io.streambus.Subscription;
import io.streambus.Topics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The bus: one Redis client, the shared command channel, the publisher, and the live subscriptions. */
public final class DefaultStreamBus implements StreamBus {
  private static final AtomicInteger CONSUMER_SEQ = new AtomicInteger();

  private final Vertx vertx;
  private final BusOptions options;
  private final Redis client;
  private final Channels channels;
  private final RedisChannel commands;
  private final Keys keys;
  private final Meters meters;
  private final Tracing tracing;
  private final TopicRegistry topics;
  private final TopicTrimmer trimmer;
  private final Publisher publisher;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final DefaultBusAdmin admin;
  private final Requester requester;
  /** The presences of the running responders, withdrawn first when the bus closes. */
  private final Set<Presence> presences = ConcurrentHashMap.newKeySet();
  /** Null unless the topology is SENTINEL. */
  private final SentinelWatch sentinelWatch;
  private volatile Future<Void> closing;

  /** @param tracing {@link Tracing#OFF} for none */
  public DefaultStreamBus(Vertx vertx, BusOptions options, MeterRegistry registry, Tracing tracing) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = options;
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    RedisOptions redisOptions = redisOptions(options);
    this.client = RedisClients.create(vertx, redisOptions, options.getTopology(),
        options.getConnection().getCredentialsProvider());
    this.channels = new Channels(vertx, client, options);
    if (options.getTopology() == BusOptions.Topology.SENTINEL) {
      sentinelWatch = new SentinelWatch(vertx, redisOptions, options.getSentinelMasterName(), channels::reconnectAll);
      sentinelWatch.start();
    } else {
      sentinelWatch = null;
    }
    this.commands = channels.create("bus commands");
    this.keys = new Keys(options.getKeyPrefix());
    this.meters = new Meters(Objects.requireNonNull(registry, "registry"));
    this.trimmer = new TopicTrimmer(vertx, commands, keys, options, meters);
    this.topics = new TopicRegistry(commands, keys, options, trimmer::track);
    trimmer.start();
    this.publisher = new Publisher(commands, keys, options, topics, meters, tracing);
    this.admin = new DefaultBusAdmin(commands, keys, options, topics);
    this.requester = new Requester(vertx, commands, channels::create, keys, options, topics, meters, instanceId());
  }

  /**
   * {@code <host>-<pid>-<random>}: names this bus instance's reply stream, unique even when a process restarts with
   * the same pid (a container), and tells an operator whose stream it is.
   */
  private static String instanceId() {
    String name = generatedConsumerName();
    return name.substring(0, name.lastIndexOf('-')) + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
  }

  /**
   * The client's options. RESP2 keeps reply shapes identical across Redis versions (see {@link Replies}); the pool
   * is sized for the long-held connections (one per read loop) plus the command channels.
   */
  public static RedisOptions redisOptions(BusOptions o) {
    RedisOptions r = new RedisOptions()
        .setType(RedisClientType.valueOf(o.getTopology().name()))
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setMaxPoolSize(256)
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(Math.max(2048, o.getMaxPendingPublishes() * 2));
    r.getEndpoints().clear();
    o.getConnectionStrings().forEach(r::addConnectionString);
    if (o.getTopology() == BusOptions.Topology.SENTINEL) {
      // The client caches where the master is for a second by default: a channel reconnecting just after a failover
      // (see SentinelWatch) could be sent back to the old master, which accepts writes until it is demoted and then
      // discards them. Connections are long-lived, so asking the Sentinels on every connect costs nothing noticeable.
      r.setMasterName(o.getSentinelMasterName()).setRole(RedisRole.MASTER).setTopologyCacheTTL(1);
    }
    NetClientOptions net = new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true).setTcpKeepAlive(true);
    if (o.getConnectionStrings().stream().anyMatch(s -> s.startsWith("rediss:"))) {
      net.setSsl(true).setHostnameVerificationAlgorithm(o.isTlsVerifyHostname() ? "HTTPS" : "");
      if (o.getTlsCaPemPath() != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(o.getTlsCaPemPath()));
      }
      if (o.getTlsCertPemPath() != null) {
        net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(o.getTlsCertPemPath())
            .setKeyPath(o.getTlsKeyPemPath()));
      }
    }
    r.setNetClientOptions(net);
    return r;
  }

  @Override
  public Future<MessageId> publish(OutgoingMessage message) {
    if (closing != null) {
      return Future.failedFuture(new BusException.Closed("the bus is closed"));
    }
    if (message == null) {
      return Future.failedFuture(new IllegalArgumentException("message must not be null"));
    }
    return publisher.publish(message);
  }

  @Override
  public Future<List<MessageId>> publishAll(List<OutgoingMessage> messages) {
    if (closing != null) {
      return Future.failedFuture(new BusException.Closed("the bus is closed"));
    }
    if (messages == null || messages.contains(null)) {
      return Future.failedFuture(new IllegalArgumentException("messages must not be or contain null"));
    }
    return publisher.publishAll(messages);
  }

  @Override
  public Future<Subscription> subscribe(String topic, String group, MessageHandler handler, ConsumerOptions options) {
    return join(topic, group, "handler", handler, options, (context, opts, partitions, onClosed) ->
        new DefaultSubscription(vertx, context, channels, keys, topic, group, consumerName(opts), partitions, handler,
            opts, this.options, meters, tracing, onClosed));
  }

  @Override
  public Future<Subscription> project(String topic, String group, Projection projection, ConsumerOptions options) {
    return join(topic, group, "projection", projection, options, (context, opts, partitions, onClosed) ->
        new DefaultSubscription(vertx, context, channels, keys, topic, group, consumerName(opts), partitions,
            projection, opts, this.options, meters, tracing, onClosed));
  }

  @Override
  public Future<Reply> request(OutgoingMessage request) {
    return request(request, options.getRequests().getRequestTimeoutMs());
  }

  @Override
  public Future<Reply> request(OutgoingMessage request, long timeoutMs) {
    if (closing != null) {
      return Future.failedFuture(new BusException.Closed("the bus is closed"));
    }
    if (request == null) {
      return Future.failedFuture(new IllegalArgumentException("request must not be null"));
    }
    return requester.request(request, timeoutMs);
  }

  @Override
  public Future<Subscription> respond(String topic, String group, RequestHandler handler, ConsumerOptions options) {
    int[] partitions = new int[1];
    return join(topic, group, "handler", handler, options, (context, opts, n, onClosed) -> {
      partitions[0] = n;
      String consumer = consumerName(opts);
      Responder responder = new Responder(vertx, commands, keys, meters, topic, group, consumer, handler, opts,
          this.options.getPublishTimeoutMs());
      return new DefaultSubscription(vertx, context, channels, keys, topic, group, consumer, n, responder, opts,
          this.options, meters, tracing, onClosed);
    }).compose(sub -> {
      Presence presence = new Presence(vertx, commands, keys, topic, partitions[0], group, sub.consumerName(),
          this.options.getRequests().getResponderTtlMs(), this.options.getPublishTimeoutMs(), () -> !sub.isClosed());
      presences.add(presence);
      return presence.start()
          .<Subscription>map(v -> new ResponderSubscription(sub, () -> {
            presences.remove(presence);
            return presence.withdraw();
          }))
          .recover(e -> {
            presences.remove(presence);
            return presence.withdraw().transform(x -> sub.close()).transform(x -> Future.failedFuture(e));
          });
    });
  }

  /** Builds a subscription of a handler or a projection, once its topic's partition count is known. */
  private interface SubscriptionFactory {
    DefaultSubscription create(Context context, ConsumerOptions options, int partitions, Runnable onClosed);
  }

  private Future<Subscription> join(String topic, String group, String what, Object handler, ConsumerOptions options,
                                    SubscriptionFactory factory) {
    if (closing != null) {
      return Future.failedFuture(new BusException.Closed("the bus is closed"));
    }
    ConsumerOptions opts;
    try {
      Topics.requireValidName("topic", topic);
      Topics.requireValidName("group", group);
      Objects.requireNonNull(handler, what);
      opts = new ConsumerOptions(options == null ? new ConsumerOptions() : options).validate();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Context context = vertx.getOrCreateContext();
    Promise<Subscription> promise = Promise.promise();
    // The topic registry answers on the bus's shared command channel, whose replies come back on whichever context
    // opened it (often a publisher's): the subscription is built and started back on its own context, so that its
    // connections are opened there and every callback of its units runs on the one event loop they assume.
    context.runOnContext(v -> topics.ensure(topic).onComplete(known -> context.runOnContext(w -> {
      if (known.failed()) {
        promise.fail(known.cause());
        return;
      }
      DefaultSubscription[] holder = new DefaultSubscription[1];
      holder[0] = factory.create(context, opts, known.result(), () -> subscriptions.remove(holder[0]));
      subscriptions.add(holder[0]);
      holder[0].start().onFailure(e -> subscriptions.remove(holder[0])).onComplete(promise);
    })));
    return promise.future();
  }

  private static String consumerName(ConsumerOptions opts) {
    return opts.getConsumerName() != null ? opts.getConsumerName() : generatedConsumerName();
  }

  /** {@code <host>-<pid>-<n>}: unique per subscription, and tells an operator which process holds what. */
  public static String generatedConsumerName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "host";
    }
    host = host.replaceAll("[^A-Za-z0-9._-]", "_");
    long pid = ManagementFactory.getRuntimeMXBean().getPid();
    return host + "-" + pid + "-" + CONSUMER_SEQ.incrementAndGet();
  }

  @Override
  public DeadLetters deadLetters(String topic) {
    Topics.requireValidName("topic", topic);
    return new DefaultDeadLetters(commands, keys, options, topics, topic);
  }

  @Override
  public BusAdmin admin() {
    return admin;
  }

  @Override
  public Future<Void> ping() {
    long deadline = System.currentTimeMillis() + options.getPublishTimeoutMs();
    return commands.send(Request.cmd(Command.PING), deadline).compose(pong -> publisher.ready(deadline));
  }

  @Override
  public BusOptions options() {
    return new BusOptions(options);
  }

  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      // responders leave first, so that no request is stored for them any more while they drain
      List<Future<Void>> withdrawn = new ArrayList<>();
      new ArrayList<>(presences).forEach(p -> withdrawn.add(p.withdraw()));
      trimmer.stop();
      closing = Future.join(withdrawn).transform(w -> {
        List<Future<Void>> subs = new ArrayList<>();
        new ArrayList<>(subscriptions).forEach(s -> subs.add(s.close()));
        subs.add(requester.close());
        return Future.join(subs);
      }).transform(x -> commands.close()).transform(x -> {
        if (sentinelWatch != null) {
          sentinelWatch.close();
        }
        client.close();
        return Future.succeededFuture();
      });
    }
    return closing;
  }
}
