package io.streambus.cli;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The end of a {@code streambus verify} run: its verdict and exit code, as a table for people or a JSON document.
 *
 * @param failedPublishesFail whether a failed publish makes the run incomplete (outside --chaos, which retries them)
 * @param stoppedEarly ended by Ctrl-C or SIGTERM
 */
record VerifyReport(String topic, String group, int partitions, int consumers, int keys, boolean chaos,
                    boolean failedPublishesFail, boolean stoppedEarly, long elapsedMs, VerifyTally tally) {
  /** Longest list of lost sequence numbers printed. */
  static final int MAX_LISTED = 1_000;

  int exitCode() {
    return tally.missing() > 0 ? Cli.LOST : tally.outOfOrder() > 0 ? Cli.OUT_OF_ORDER
        : failedPublishesFail && tally.publishFailures() > 0 ? Cli.FAILED : Cli.OK;
  }

  String verdict() {
    return switch (exitCode()) {
      case Cli.OK -> "ok: nothing lost" + (keys > 0 ? ", nothing out of order" : "");
      case Cli.LOST -> "LOST: " + tally.missing() + " confirmed messages never delivered";
      case Cli.OUT_OF_ORDER -> "OUT OF ORDER: " + tally.outOfOrder() + " messages handled after a later one of "
          + "their key";
      default -> "FAILED: " + tally.publishFailures() + " publishes failed (the run is incomplete)";
    };
  }

  JsonObject toJson() {
    List<Integer> lost = tally.lost();
    return new JsonObject().put("topic", topic).put("group", group).put("partitions", partitions)
        .put("consumers", consumers).put("keys", keys).put("chaos", chaos).put("stoppedEarly", stoppedEarly)
        .put("elapsedMs", elapsedMs).put("published", tally.sent()).put("confirmed", tally.confirmedCount())
        .put("publishFailures", tally.publishFailures()).put("delivered", tally.deliveredCount())
        .put("deliveredUnconfirmed", tally.deliveredUnconfirmed()).put("lost", lost.size())
        .put("lostSeqs", tally.lostJson(MAX_LISTED)).put("duplicated", tally.duplicatedMessages())
        .put("extraDeliveries", tally.extraDeliveries()).put("outOfOrder", tally.outOfOrder())
        .put("foreign", tally.foreignCount()).put("latencyMs", tally.latencyJson()).put("exitCode", exitCode())
        .put("verdict", verdict());
  }

  void print(PrintWriter out) {
    List<Integer> lost = tally.lost();
    out.println("topic " + topic + "  group " + group + "  partitions " + partitions + "  consumers " + consumers
        + "  keys " + keys + "  " + Render.duration(elapsedMs));
    new Table("PUBLISHED", "CONFIRMED", "FAILED-PUBLISHES", "DELIVERED", "LOST", "DUPLICATED", "OUT-OF-ORDER")
        .row(tally.sent(), tally.confirmedCount(), tally.publishFailures(), tally.deliveredCount(), lost.size(),
            tally.duplicatedMessages(), keys > 0 ? tally.outOfOrder() : "-")
        .print(out);
    double[] latency = tally.latencyMs();
    if (latency.length > 0) {
      out.println();
      new Table("LATENCY", "P50", "P90", "P99", "MAX").row("publish-to-handler", ms(latency[0]), ms(latency[1]),
          ms(latency[2]), ms(latency[3])).print(out);
    }
    if (tally.deliveredUnconfirmed() > 0) {
      out.println(tally.deliveredUnconfirmed() + " delivered although their publish failed (stored, then the "
          + "answer was lost): not counted as lost or duplicated");
    }
    if (!lost.isEmpty()) {
      out.println("lost: " + lost.stream().limit(MAX_LISTED).map(String::valueOf)
          .collect(Collectors.joining(", ")) + (lost.size() > MAX_LISTED ? ", ..." : ""));
    }
    out.println(verdict() + (stoppedEarly ? " (stopped early: the figures cover what was published until then)"
        : ""));
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.1fms", value);
  }
}
