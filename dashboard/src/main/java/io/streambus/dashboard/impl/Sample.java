package io.streambus.dashboard.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Everything the dashboard knows at one moment: the topics of the last successful sample and, when the latest
 * attempt failed, why.
 *
 * @param seq number of successful samples so far (0 before the first)
 * @param sampledAt epoch millis of the last successful sample, 0 before the first
 * @param error why the latest attempt failed, or null when it succeeded
 * @param errorAt epoch millis of that failure, 0 when none
 */
public record Sample(long seq, long sampledAt, long intervalMs, List<TopicSample> topics, String error,
                     long errorAt) {

  static Sample empty(long intervalMs) {
    return new Sample(0, 0, intervalMs, List.of(), null, 0);
  }

  Sample failed(String why, long at) {
    return new Sample(seq, sampledAt, intervalMs, topics, why, at);
  }

  public Optional<TopicSample> topic(String name) {
    return topics.stream().filter(t -> t.topic().equals(name)).findFirst();
  }

  /** The sample as the API and the live stream show it (topics without per-partition detail). */
  public JsonObject toJson() {
    JsonArray ts = new JsonArray();
    topics.forEach(t -> ts.add(t.toJson(false)));
    return new JsonObject().put("seq", seq).put("sampledAt", sampledAt).put("intervalMs", intervalMs)
        .put("error", error).put("errorAt", errorAt).put("topics", ts);
  }
}
