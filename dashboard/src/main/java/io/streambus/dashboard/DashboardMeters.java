package io.streambus.dashboard;

/**
 * Names of the gauges the dashboard verticle registers on its registry (served at {@code /metrics}): per topic and
 * consumer group, the figures an autoscaler or an alert reads, each tagged {@code topic} and {@code group} and
 * nothing else.
 *
 * <p>They come from the dashboard's sampler, which reads every group of every topic once per sample interval, so
 * there is <b>one series per group for the whole deployment</b>, whatever the number of consumer processes: run one
 * dashboard (several during a rolling update are harmless if queries aggregate with {@code max by (topic, group)}).
 * They differ from the bus's own {@link io.streambus.BusMeters#GROUP_LAG} and
 * {@link io.streambus.BusMeters#GROUP_PENDING}, which every consumer process registers per partition (tag
 * {@code partition}) for the topics it consumes: summing those over processes counts a group once per process.
 *
 * <p>A gauge appears at the first sample that shows its group and is removed at the first successful sample that no
 * longer shows it (the group or the topic was deleted). While sampling fails (Redis unreachable) the gauges keep the
 * figures of the last successful sample. Prometheus renders dots as underscores and appends the base unit
 * ({@code _seconds}) to the age.
 */
public final class DashboardMeters {
  private DashboardMeters() {
  }

  /**
   * Gauge {@value}, entries: entries of the topic not yet delivered to the group, summed over the topic's
   * partitions (Prometheus {@code streambus_group_backlog}). This is the figure to scale consumers on.
   */
  public static final String GROUP_BACKLOG = "streambus.group.backlog";
  /**
   * Gauge {@value}, seconds: age of the oldest entry not yet delivered to the group, the largest over the topic's
   * partitions (ages do not add), 0 when nothing is undelivered (Prometheus
   * {@code streambus_group_backlog_age_seconds}).
   */
  public static final String GROUP_BACKLOG_AGE = "streambus.group.backlog.age";
  /**
   * Gauge {@value}, entries: entries delivered to the group and not yet acknowledged (its pending entries, retries
   * waiting for their backoff included), summed over the topic's partitions (Prometheus
   * {@code streambus_group_unacked}).
   */
  public static final String GROUP_UNACKED = "streambus.group.unacked";
}
