package io.streambus.bench;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One child JVM's run as the launcher saw it: what it measured (the worker's JSON), or why it failed.
 *
 * @param variant what tells apart runs of one section beyond the subject ("3 partitions" in the cluster), or ""
 * @param loadAtLaunch /proc/loadavg when the child was started
 */
record RunResult(Section section, String subject, int repetition, String variant, JsonObject json, String error,
                 String loadAtLaunch) {

  boolean ok() {
    return error == null;
  }

  long messages() {
    return json.getLong("messages");
  }

  double perSecond() {
    return json.getDouble("perSecond");
  }

  private JsonObject usage() {
    return json.getJsonObject("usage");
  }

  /** The worker JVM's CPU per message over the measured run, in µs. */
  double jvmUs() {
    return usage().getLong("jvmCpuNs") / 1e3 / messages();
  }

  /** redis-server's CPU per message over the measured run (all masters on a cluster), in µs. */
  double redisUs() {
    return usage().getLong("redisCpuNs") / 1e3 / messages();
  }

  /** The worker JVM's CPU over the run's wall time: 1.0 is one core busy throughout. */
  double jvmCores() {
    return usage().getLong("jvmCpuNs") / (double) Math.max(1, usage().getLong("wallNs"));
  }

  double redisCores() {
    return usage().getLong("redisCpuNs") / (double) Math.max(1, usage().getLong("wallNs"));
  }

  /** CPU per message in µs by thread group (event loops one by one). */
  Map<String, Double> threadUs() {
    Map<String, Double> out = new LinkedHashMap<>();
    usage().getJsonObject("threads").forEach(e -> out.put(e.getKey(),
        ((Number) e.getValue()).longValue() / 1e3 / messages()));
    return out;
  }

  /** CPU in cores by thread group. */
  Map<String, Double> threadCores() {
    Map<String, Double> out = new LinkedHashMap<>();
    long wall = Math.max(1, usage().getLong("wallNs"));
    usage().getJsonObject("threads").forEach(e -> out.put(e.getKey(),
        ((Number) e.getValue()).longValue() / (double) wall));
    return out;
  }

  /** Redis commands per message over the measured run (Lua's inner calls included, as Redis counts them). */
  Map<String, Double> callsPerMessage() {
    Map<String, Double> out = new LinkedHashMap<>();
    usage().getJsonObject("redisCalls").forEach(e -> out.put(e.getKey(),
        ((Number) e.getValue()).longValue() / (double) messages()));
    return out;
  }

  /** Microseconds Redis spent per message in each command (a script's time includes the commands it calls). */
  Map<String, Double> usecPerMessage() {
    Map<String, Double> out = new LinkedHashMap<>();
    JsonObject usec = usage().getJsonObject("redisUsec");
    if (usec != null) {
      usec.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).longValue() / (double) messages()));
    }
    return out;
  }

  double redisReadsPerMessage() {
    return usage().getLong("redisReads") / (double) messages();
  }

  /** CPU of the JIT compiler threads during the run, in ms. */
  long jitMs() {
    return usage().getLong("jitMs");
  }

  long gcMs() {
    return usage().getLong("gcMs");
  }

  long gcCount() {
    return usage().getLong("gcCount");
  }

  /** A latency figure in ms ("p50Ms", "p99Ms", ...), or null when the run has none. */
  Double latency(String key) {
    JsonObject l = json.getJsonObject("latency");
    return l == null ? null : l.getDouble(key);
  }

  long pid() {
    return json.getLong("pid");
  }
}
