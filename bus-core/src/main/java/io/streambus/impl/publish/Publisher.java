package io.streambus.impl.publish;

import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.metrics.Meters;
import io.streambus.impl.topic.TopicRegistry;
import io.streambus.impl.tracing.PublishTrace;
import io.streambus.impl.tracing.Tracing;
import io.streambus.impl.wire.EntryCodec;
import io.streambus.impl.wire.Keys;
import io.streambus.impl.wire.Scripts;
import io.micrometer.core.instrument.Counter;
import io.streambus.BusException;
import io.streambus.BusMeters;
import io.streambus.BusOptions;
import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.streambus.Topics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Publishes: picks the partition, writes the entry (XADD, or the delayed-set script) on the shared command channel,
 * and bounds what is waiting for Redis.
 */
public final class Publisher {
  /** Most XADDs in one pipelined batch of {@link #publishAll}. */
  private static final int BATCH_LIMIT = 1_000;
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

  public Publisher(RedisChannel channel, Keys keys, BusOptions options, TopicRegistry topics, Meters meters,
                   Tracing tracing) {
    this.channel = channel;
    this.keys = keys;
    this.options = options;
    this.topics = topics;
    this.meters = meters;
    this.tracing = tracing;
  }

  /**
   * The partition of a key: CRC-32 of its UTF-8 bytes modulo the partition count, a rule any other client can
   * reproduce.
   */
  public static int partitionOf(String key, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
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
    if (known.succeeded() && deliverAt <= 0 && options.getPublishWaitReplicas() == 0) {
      // the common case, per message: the fields go straight into the XADD, without the compose and the list
      streams = streamsFor(topic, known.result());
      int partition = partition(key, streams.length);
      Request xadd = Request.cmd(Command.XADD).arg(streams[partition]).arg("*");
      EntryCodec.addTo(xadd, message, traceHeaders);
      Future<MessageId> sent = channel.send(xadd, deadline, id -> MessageId.of(topic, partition, id.toString()));
      // counted by a listener, not a mapped future: one future less per publish
      sent.onComplete(ar -> counted(topic, ar.succeeded()));
      return sent;
    }
    // encoded now: the caller may change the message once publish has returned
    List<Object> fields = EntryCodec.encode(message, traceHeaders);
    // the span is current where the commands go out, here later than the call
    Future<MessageId> result = known.compose(partitions -> trace == null
        ? write(topic, key, deliverAt, fields, partitions, deadline)
        : trace.inSpan(() -> write(topic, key, deliverAt, fields, partitions, deadline)));
    return result.andThen(ar -> counted(topic, ar.succeeded()));
  }

  /** The other cases, once the partition count is known: a delayed message, or XADD (and WAIT). */
  private Future<MessageId> write(String topic, String key, long deliverAt, List<Object> fields, int partitions,
                                  long deadline) {
    int partition = partition(key, partitions);
    if (deliverAt > System.currentTimeMillis()) {
      return schedule(topic, partition, deliverAt, fields, deadline);
    }
    Request xadd = Request.cmd(Command.XADD).arg(keys.stream(topic, partition)).arg("*");
    fields.forEach(f -> Scripts.arg(xadd, f));
    if (options.getPublishWaitReplicas() > 0) {
      return addAndWait(xadd, topic, partition, deadline);
    }
    return channel.send(xadd, deadline).map(id -> MessageId.of(topic, partition, id.toString()));
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

  private void counted(String topic, boolean succeeded) {
    pending.decrementAndGet();
    if (succeeded) {
      publishedCounters.computeIfAbsent(topic, t -> meters.counter(BusMeters.PUBLISHED, t)).increment();
    } else {
      meters.counter(BusMeters.PUBLISH_FAILED, topic).increment();
    }
  }

  private Future<MessageId> schedule(String topic, int partition, long deliverAt, List<Object> fields, long deadline) {
    String token = UUID.randomUUID().toString();
    Object[] args = new Object[2 + fields.size()];
    args[0] = deliverAt;
    args[1] = token;
    for (int i = 0; i < fields.size(); i++) {
      args[2 + i] = fields.get(i);
    }
    return Scripts.PUBLISH_DELAYED.run(channel, deadline, List.of(keys.delayed(topic, partition)), args)
        .map(r -> new MessageId(topic, partition, token, true));
  }

  /**
   * XADD then WAIT, in one batch: WAIT counts the replicas that acknowledged the writes of its own socket, so it must
   * follow the XADD on the same socket, to the master that stored the entry (in a cluster the client would send a
   * lone WAIT, which has no key, to a random master). WAIT blocks that socket until the replicas answer or its
   * timeout passes; its timeout ends a little before the publish deadline, so that a shortfall is reported as
   * {@link BusException.NotReplicated} (the entry's id is known) rather than as a timeout.
   */
  private Future<MessageId> addAndWait(Request xadd, String topic, int partition, long deadline) {
    int replicas = options.getPublishWaitReplicas();
    long remaining = deadline - System.currentTimeMillis();
    long timeout = Math.max(1, remaining - Math.min(500, remaining / 4));
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeout);
    return channel.batch(List.of(xadd, wait), deadline).compose(replies -> {
      MessageId id = MessageId.of(topic, partition, replies.get(0).toString());
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

  /** A message {@link #batched} can send: an XADD now, to a topic whose partition count is known. */
  private boolean batchable(OutgoingMessage m) {
    Future<Integer> known = topics.ensure(m.topic());
    return m.deliverAt() <= 0 && known.succeeded() && (streamKeys.containsKey(m.topic())
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
            counted(m.topic(), ar.succeeded());
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
