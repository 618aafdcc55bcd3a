package io.streambus.impl.publish;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.tracing.PublishTrace;
import io.streambus.impl.tracing.Tracing;
import io.streambus.impl.wire.EntryCodec;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.PublishDelayedScript;
import io.streambus.impl.wire.PublishIdempotentScript;
import io.micrometer.core.instrument.Counter;
import io.streambus.BusException;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.Topics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Publishes: picks the partition, writes the entry (XADD, the idempotent-publish script, or the delayed-set script) on
 * the shared command channel, and bounds what is waiting for Redis.
 */
public final class Publisher {
  /** Most XADDs in one pipelined batch of {@link #publishAll}. */
  private static final int BATCH_LIMIT = 1_000;
  /**
   * Expired idempotency keys forgotten per keyed publish at most: a publish remembers one key, so this keeps up with
   * any rate while bounding the script's run when a burst of keys expires together.
   */
  private static final int IDEMPOTENCY_PRUNE_PER_CALL = 100;
  private final RedisChannel channel;
  private final Keys keys;
  private final BusOptions options;
  private final TopicRegistry topics;
  private final Meters meters;
  private final Tracing tracing;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong roundRobin = new AtomicLong();
  /** The published counter per topic: a {@link Meters} lookup builds its key string, and this runs per message. */
  private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();
  /**
   * Per topic published to, its stream keys by partition: concatenating the key and checking the topic's name against
   * its pattern were a tenth of the publish path. A topic here has a valid name.
   */
  private final Map<String, String[]> streamKeys = new ConcurrentHashMap<>();
  /** Null unless publishWaitReplicas is set. */
  private final ReplicaWait replicaWait;

  public Publisher(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics, Meters meters,
                   Tracing tracing) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
    this.meters = meters;
    this.tracing = tracing;
    this.replicaWait = options.getPublishWaitReplicas() > 0
        ? new ReplicaWait(channel, keys.registry(), options.getPublishWaitReplicas()) : null;
  }

  /**
   * Succeeds when the publishes can work as configured: with publishWaitReplicas, that the server runs WAIT (asked
   * once); else at once.
   */
  public Future<Void> ready(long deadline) {
    return replicaWait == null ? Future.succeededFuture() : replicaWait.check(deadline);
  }

  /**
   * The partition of a key: CRC-32 of its UTF-8 bytes modulo the partition count, a rule any other client can
   * reproduce.
   */
  public static int partitionOf(String key, int partitions) {
    return Topics.partitionOf(key, partitions);
  }

  /**
   * Publishes; with tracing on, in a producer span (a child of the caller's current span) whose trace context the entry
   * carries in its headers.
   */
  public Future<MessageId> publish(OutgoingMessage message) {
    if (!tracing.enabled()) {
      return send(message, null);
    }
    PublishTrace trace = tracing.publish(message);
    return trace.inSpan(() -> send(message, trace)).andThen(trace::end);
  }

  /** @param trace the publish's span, or null (tracing off) */
  private Future<MessageId> send(OutgoingMessage message, PublishTrace trace) {
    Map<String, String> traceHeaders = trace == null ? null : trace.headers();
    String topic = message.topic();
    String[] streams = streamKeys.get(topic);
    if (streams == null && !Topics.isValidName(topic)) {
      return Future.failedFuture(new IllegalArgumentException(
          "topic must be 1-200 of [A-Za-z0-9._-], was '" + topic + "'"));
    }
    String idempotencyKey = message.idempotencyKey();
    if (idempotencyKey != null && message.deliverAt() > 0) {
      // a delayed message is not in the stream until due, and its id is a schedule token: no first id to replay
      return Future.failedFuture(new IllegalArgumentException(
          "a message with an idempotency key cannot be delayed (deliverAt / delay)"));
    }
    if (pending.incrementAndGet() > options.getMaxPendingPublishes()) {
      pending.decrementAndGet();
      meters.counter(BusMeters.PUBLISH_FAILED, topic).increment();
      return Future.failedFuture(new BusException.Backpressure(
          "more than " + options.getMaxPendingPublishes() + " publishes are waiting for Redis"));
    }
    long deadline = System.currentTimeMillis() + options.getPublishTimeoutMs();
    String key = message.key();
    long deliverAt = message.deliverAt();
    Future<Integer> known = topics.ensure(topic);
    if (known.succeeded() && deliverAt <= 0 && options.getPublishWaitReplicas() == 0 && idempotencyKey == null) {
      // the common case, per message: the fields go straight into the XADD, without the compose and the list
      streams = streamsFor(topic, known.result());
      int partition = partition(key, streams.length);
      Request xadd = Request.cmd(Command.XADD).arg(streams[partition]).arg("*");
      EntryCodec.addTo(xadd, message, traceHeaders);
      Future<MessageId> sent = channel.send(xadd, deadline, id -> MessageId.of(topic, partition, id.toString()));
      // counted by a listener, not a mapped future: one future less per publish
      sent.onComplete(ar -> counted(topic, false, ar.succeeded()));
      return sent;
    }
    // encoded now: the caller may change the message once publish has returned
    List<Object> fields = EntryCodec.encode(message, traceHeaders);
    Idempotency idempotency = idempotencyKey == null ? null
        : new Idempotency(idempotencyKey, digest(message.payload()));
    // the span is current where the commands go out, here later than the call
    Future<MessageId> result = known.compose(partitions -> trace == null
        ? write(topic, key, idempotency, deliverAt, fields, partitions, deadline)
        : trace.inSpan(() -> write(topic, key, idempotency, deliverAt, fields, partitions, deadline)));
    return result.andThen(ar -> counted(topic, ar.succeeded() && ar.result().isDuplicate(), ar.succeeded()));
  }

  /** A message's idempotency key and the digest of its payload (to count a key reused for another payload). */
  private record Idempotency(String key, String digest) {
  }

  /**
   * The other cases, once the partition count is known: a delayed message, XADD or the idempotent-publish script
   * (and WAIT).
   *
   * @param idempotency null without an idempotency key
   */
  private Future<MessageId> write(String topic, String key, Idempotency idempotency, long deliverAt,
                                  List<Object> fields, int partitions, long deadline) {
    // a retry without a partition key must land where the first attempt did, so the idempotency key decides
    int partition = partition(key != null ? key : idempotency == null ? null : idempotency.key(), partitions);
    if (deliverAt > System.currentTimeMillis()) {
      return schedule(topic, partition, deliverAt, fields, deadline);
    }
    if (idempotency != null) {
      return publishOnce(topic, partition, idempotency, fields, deadline);
    }
    Request xadd = Request.cmd(Command.XADD).arg(keys.stream(topic, partition)).arg("*");
    EntryCodec.addEncoded(xadd, fields);
    if (options.getPublishWaitReplicas() > 0) {
      return addAndWait(xadd, topic, partition, deadline, reply -> MessageId.of(topic, partition, reply.toString()));
    }
    return channel.send(xadd, deadline).map(id -> MessageId.of(topic, partition, id.toString()));
  }

  /** publish_idempotent.lua: adds the entry unless the partition remembers the key, in one step. */
  private Future<MessageId> publishOnce(String topic, int partition, Idempotency idempotency, List<Object> fields,
                                        long deadline) {
    PublishIdempotentScript step = new PublishIdempotentScript(keys.stream(topic, partition),
        keys.idempotency(topic, partition), keys.idempotencyExpiry(topic, partition), idempotency.key(),
        idempotency.digest(), options.getIdempotencyWindowMs(), IDEMPOTENCY_PRUNE_PER_CALL, fields);
    Function<PublishIdempotentScript.Reply, MessageId> idOf = reply -> {
      if (reply.stored() == PublishIdempotentScript.Stored.DUPLICATE_MISMATCH) {
        meters.counter(BusMeters.PUBLISH_DUPLICATE_MISMATCH, topic).increment();
      }
      return reply.stored() == PublishIdempotentScript.Stored.NEW ? MessageId.of(topic, partition, reply.id())
          : MessageId.duplicateOf(topic, partition, reply.id());
    };
    if (options.getPublishWaitReplicas() > 0) {
      return addAndWait(step.eval(), topic, partition, deadline, idOf.compose(PublishIdempotentScript::reply));
    }
    return step.run(channel, deadline).map(idOf);
  }

  /** 64 bits of the payload's SHA-256, in hex: enough to tell a reused key with another payload, and small to keep. */
  private static String digest(Buffer payload) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(payload.getBytes());
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  private String[] streamsOf(String topic, int partitions) {
    String[] streams = new String[partitions];
    for (int p = 0; p < partitions; p++) {
      streams[p] = keys.stream(topic, p);
    }
    return streams;
  }

  private int partition(String key, int partitions) {
    return key != null ? partitionOf(key, partitions) : (int) (roundRobin.getAndIncrement() % partitions);
  }

  /** @param duplicate the publish succeeded and stored nothing: its idempotency key had been seen */
  private void counted(String topic, boolean duplicate, boolean succeeded) {
    pending.decrementAndGet();
    if (duplicate) {
      meters.counter(BusMeters.PUBLISH_DUPLICATE, topic).increment();
    } else if (succeeded) {
      publishedCounters.computeIfAbsent(topic, t -> meters.counter(BusMeters.PUBLISHED, t)).increment();
    } else {
      meters.counter(BusMeters.PUBLISH_FAILED, topic).increment();
    }
  }

  private Future<MessageId> schedule(String topic, int partition, long deliverAt, List<Object> fields, long deadline) {
    String token = UUID.randomUUID().toString();
    return new PublishDelayedScript(keys.delayed(topic, partition), deliverAt, token, fields).run(channel, deadline)
        .map(r -> new MessageId(topic, partition, token, true));
  }

  /**
   * A write ({@code XADD}, or the idempotent-publish script as EVAL) then WAIT, in one batch: WAIT counts the replicas
   * that acknowledged the writes of its own socket, so it must follow the XADD on the same socket, to the master that
   * stored the entry (in a cluster the client would send a lone WAIT, which has no key, to a random master). WAIT
   * blocks that socket until the replicas answer or its
   * timeout passes; its timeout ends a little before the publish deadline, so that a shortfall is reported as
   * {@link BusException.NotReplicated} (the entry's id is known) rather than as a timeout.
   */
  private Future<MessageId> addAndWait(Request write, String topic, int partition, long deadline,
                                       Function<Response, MessageId> idOf) {
    // nothing is written before the server is known to run WAIT: a write it cannot confirm would fail as unsent
    Future<Void> waitRuns = replicaWait.check(deadline);
    if (!waitRuns.succeeded()) {
      return waitRuns.compose(v -> addAndWait(write, topic, partition, deadline, idOf));
    }
    int replicas = options.getPublishWaitReplicas();
    long remaining = deadline - System.currentTimeMillis();
    long timeout = Math.max(1, remaining - Math.min(500, remaining / 4));
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeout);
    return channel.batch(List.of(write, wait), deadline).compose(replies -> {
      MessageId id = idOf.apply(replies.get(0));
      int acked = replies.get(1).toInteger();
      return acked >= replicas ? Future.succeededFuture(id)
          : Future.failedFuture(new BusException.NotReplicated(id, acked, replicas));
    });
  }

  /**
   * Publishes several messages: when every one is a plain XADD to a registered topic (no delay, no tracing, no
   * replica wait), one pipelined batch per partition; else one {@link #publish} each.
   */
  public Future<List<MessageId>> publishAll(List<OutgoingMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (!tracing.enabled() && options.getPublishWaitReplicas() == 0 && messages.stream().allMatch(this::batchable)) {
      return batched(messages);
    }
    return oneByOne(messages);
  }

  /**
   * A message {@link #batched} can send: a plain XADD now (no idempotency key: that one goes through its script), to a
   * topic whose partition count is known.
   */
  private boolean batchable(OutgoingMessage m) {
    Future<Integer> known = topics.ensure(m.topic());
    return m.deliverAt() <= 0 && m.idempotencyKey() == null && known.succeeded() && (streamKeys.containsKey(m.topic())
        || Topics.isValidName(m.topic()));
  }

  /**
   * One batch per partition (in a cluster a batch must stay on one node; a partition always does), at most
   * {@value #BATCH_LIMIT} commands each: a publish() per message cost three futures, a deadline watch and a write
   * each, and {@code publishAll} was half as fast as a plain client's batch.
   */
  private Future<List<MessageId>> batched(List<OutgoingMessage> messages) {
    int n = messages.size();
    if (pending.addAndGet(n) > options.getMaxPendingPublishes()) {
      pending.addAndGet(-n);
      messages.forEach(m -> meters.counter(BusMeters.PUBLISH_FAILED, m.topic()).increment());
      return Future.failedFuture(new BusException.Backpressure(
          "more than " + options.getMaxPendingPublishes() + " publishes are waiting for Redis"));
    }
    long deadline = System.currentTimeMillis() + options.getPublishTimeoutMs();
    MessageId[] ids = new MessageId[n];
    // per stream key, the indexes of its messages and their commands, in the caller's order
    Map<String, List<Integer>> indexes = new LinkedHashMap<>();
    Map<String, List<Request>> requests = new LinkedHashMap<>();
    int[] partitionOf = new int[n];
    for (int i = 0; i < n; i++) {
      OutgoingMessage m = messages.get(i);
      String[] streams = streamsFor(m.topic(), topics.ensure(m.topic()).result());
      int partition = partition(m.key(), streams.length);
      partitionOf[i] = partition;
      Request xadd = Request.cmd(Command.XADD).arg(streams[partition]).arg("*");
      EntryCodec.addTo(xadd, m, null);
      indexes.computeIfAbsent(streams[partition], k -> new ArrayList<>()).add(i);
      requests.computeIfAbsent(streams[partition], k -> new ArrayList<>()).add(xadd);
    }
    List<Future<?>> sent = new ArrayList<>();
    for (Map.Entry<String, List<Request>> e : requests.entrySet()) {
      List<Request> all = e.getValue();
      List<Integer> at = indexes.get(e.getKey());
      for (int from = 0; from < all.size(); from += BATCH_LIMIT) {
        int start = from;
        int end = Math.min(from + BATCH_LIMIT, all.size());
        sent.add(channel.batch(all.subList(start, end), deadline).andThen(ar -> {
          for (int j = start; j < end; j++) {
            int i = at.get(j);
            OutgoingMessage m = messages.get(i);
            if (ar.succeeded()) {
              ids[i] = MessageId.of(m.topic(), partitionOf[i], ar.result().get(j - start).toString());
            }
            counted(m.topic(), false, ar.succeeded());
          }
        }));
      }
    }
    return Future.all(sent).map(v -> Arrays.asList(ids));
  }

  private String[] streamsFor(String topic, int partitions) {
    String[] streams = streamKeys.get(topic);
    if (streams == null || streams.length != partitions) {
      streams = streamsOf(topic, partitions);
      streamKeys.put(topic, streams);
    }
    return streams;
  }

  private Future<List<MessageId>> oneByOne(List<OutgoingMessage> messages) {
    List<Future<MessageId>> futures = new ArrayList<>(messages.size());
    for (OutgoingMessage m : messages) {
      futures.add(publish(m));
    }
    return Future.all(futures).map(cf -> {
      List<MessageId> ids = new ArrayList<>(messages.size());
      for (Future<MessageId> f : futures) {
        ids.add(f.result());
      }
      return ids;
    });
  }
}
