package io.streambus.impl.consume;

import io.streambus.ConsumerListener;
import io.streambus.ConsumerOptions;
import io.streambus.Ordering;
import io.streambus.impl.connection.RedisChannel;
import io.streambus.impl.wire.Keys;
import io.vertx.core.Vertx;

/**
 * What every unit of one subscription shares, as values: who it is in which group, its options, the command channel,
 * the key names of its partitions (built once: they are needed for every settle step), its listener (already made
 * safe) and its meters. The units get this instead of the subscription that wires them.
 */
final class ConsumerScope {
  final Vertx vertx;
  final RedisChannel commands;
  final String topic;
  final String group;
  final String consumer;
  /** Unique per running subscription: tells this process from another that uses the same consumer name. */
  final String token;
  final int partitions;
  final ConsumerOptions options;
  final ConsumerListener listener;
  final ConsumerMeters meters;
  private final long commandTimeoutMs;
  private final Keys keys;
  private final String[] streams;
  private final String[] members;
  private final String[] retries;
  private final String[] moved;
  private final String[] deadLetters;
  private final String[] delayed;
  private final String[] owners;
  private final String[] paused;
  /** Ordered processing (partition or key): partitions are owned, one member each. */
  final boolean ordered;

  ConsumerScope(Vertx vertx, RedisChannel commands, Keys keys, String topic, String group, String consumer,
                String token, int partitions, ConsumerOptions options, long commandTimeoutMs,
                ConsumerListener listener, ConsumerMeters meters) {
    this.vertx = vertx;
    this.commands = commands;
    this.topic = topic;
    this.group = group;
    this.consumer = consumer;
    this.token = token;
    this.partitions = partitions;
    this.options = options;
    this.commandTimeoutMs = commandTimeoutMs;
    this.keys = keys;
    this.listener = listener;
    this.meters = meters;
    this.streams = new String[partitions];
    this.members = new String[partitions];
    this.retries = new String[partitions];
    this.moved = new String[partitions];
    this.deadLetters = new String[partitions];
    this.delayed = new String[partitions];
    this.owners = new String[partitions];
    this.paused = new String[partitions];
    this.ordered = options.getOrdering() != Ordering.NONE;
    for (int p = 0; p < partitions; p++) {
      streams[p] = keys.stream(topic, p);
      members[p] = keys.members(topic, p, group);
      retries[p] = keys.retries(topic, p, group);
      moved[p] = keys.moved(topic, p, group);
      deadLetters[p] = keys.deadLetters(topic, p);
      delayed[p] = keys.delayed(topic, p);
      owners[p] = keys.owner(topic, p, group);
      paused[p] = keys.paused(topic, p, group);
    }
  }

  String stream(int partition) {
    return streams[partition];
  }

  /** The group's pause flag on {@code partition} ({@code BusAdmin.pauseGroup}). */
  String paused(int partition) {
    return paused[partition];
  }

  String members(int partition) {
    return members[partition];
  }

  String retries(int partition) {
    return retries[partition];
  }

  String moved(int partition) {
    return moved[partition];
  }

  String deadLetters(int partition) {
    return deadLetters[partition];
  }

  String delayed(int partition) {
    return delayed[partition];
  }

  String owner(int partition) {
    return owners[partition];
  }

  /**
   * The owner key a settle step on {@code partition} checks: the partition's when processing is ordered (the scripts
   * check it when it is there), else null.
   */
  String settleOwner(int partition) {
    return ordered ? owners[partition] : null;
  }

  /** The deadline of a command sent now (epoch ms): the bus's command timeout from now. */
  /** The key recording what this subscription's {@code seq}-th claim on {@code partition} took (claim.lua). */
  String claimRecord(int partition, long seq) {
    return keys.claimRecord(topic, partition, token, seq);
  }

  /** How long a command may be sent again after a lost reply: until its deadline, this long after it was sent. */
  long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  long deadline() {
    return System.currentTimeMillis() + commandTimeoutMs;
  }
}
