package io.streambus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Everything a child JVM needs for its run, passed as one JSON argument: the launcher decides, the worker only runs.
 *
 * @param redisUris one per server (a cluster: its masters)
 * @param redisPids the redis-server processes whose CPU is charged to the run ({@code /proc/<pid>/stat})
 * @param partitions of the bus's topic (1 on a standalone server)
 * @param asyncDelayMs how the async handler completes: 0 on the next event-loop turn, else after a timer of that many ms
 * @param ordering of the bus's subscriptions ({@code io.streambus.Ordering} by name)
 * @param keys how many distinct message keys the publisher cycles through; 0: messages without a key
 * @param jfrFile where the worker records the measured run with JFR, or null for no recording
 */
record WorkerSpec(String subject, Section section, long messages, long warmupMessages, int maxWarmupPasses,
                  long settledJitMs, int payloadBytes, int window, int batchSize, int batchesInFlight, int readCount,
                  long plainBlockMs, int rate, int latencySeconds, int latencyWarmupSeconds, long asyncDelayMs,
                  int subscriptions, long runTimeoutSeconds, List<String> redisUris, List<Long> redisPids,
                  boolean cluster, int partitions, String ordering, int keys, String keyPrefix,
                  String jfrFile) {

  JsonObject toJson() {
    return new JsonObject().put("subject", subject).put("section", section.id).put("messages", messages)
        .put("warmupMessages", warmupMessages).put("maxWarmupPasses", maxWarmupPasses)
        .put("settledJitMs", settledJitMs).put("payloadBytes", payloadBytes).put("window", window)
        .put("batchSize", batchSize).put("batchesInFlight", batchesInFlight).put("readCount", readCount)
        .put("plainBlockMs", plainBlockMs).put("rate", rate).put("latencySeconds", latencySeconds)
        .put("latencyWarmupSeconds", latencyWarmupSeconds).put("asyncDelayMs", asyncDelayMs)
        .put("subscriptions", subscriptions).put("runTimeoutSeconds", runTimeoutSeconds)
        .put("redisUris", new JsonArray(List.copyOf(redisUris))).put("redisPids", new JsonArray(List.copyOf(redisPids)))
        .put("cluster", cluster).put("partitions", partitions).put("ordering", ordering).put("keys", keys)
        .put("keyPrefix", keyPrefix).put("jfrFile", jfrFile);
  }

  static WorkerSpec fromJson(JsonObject j) {
    return new WorkerSpec(j.getString("subject"), Section.of(j.getString("section")), j.getLong("messages"),
        j.getLong("warmupMessages"), j.getInteger("maxWarmupPasses"), j.getLong("settledJitMs"),
        j.getInteger("payloadBytes"), j.getInteger("window"), j.getInteger("batchSize"),
        j.getInteger("batchesInFlight"), j.getInteger("readCount"), j.getLong("plainBlockMs"), j.getInteger("rate"),
        j.getInteger("latencySeconds"), j.getInteger("latencyWarmupSeconds"), j.getLong("asyncDelayMs"),
        j.getInteger("subscriptions"), j.getLong("runTimeoutSeconds"),
        j.getJsonArray("redisUris").stream().map(String::valueOf).toList(),
        j.getJsonArray("redisPids").stream().map(o -> ((Number) o).longValue()).toList(),
        j.getBoolean("cluster"), j.getInteger("partitions"), j.getString("ordering"), j.getInteger("keys"),
        j.getString("keyPrefix"), j.getString("jfrFile"));
  }

  boolean isBus() {
    return subject.equals("bus");
  }
}
