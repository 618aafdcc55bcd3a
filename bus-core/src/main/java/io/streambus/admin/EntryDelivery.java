package io.streambus.admin;

import io.vertx.core.json.JsonObject;

/**
 * One consumer group's hold on one entry, as {@link BusAdmin#deliveries} finds it in the group's pending list: the
 * entry was delivered to {@code consumer} and not yet acknowledged.
 *
 * @param group the consumer group
 * @param consumer the group member that holds it now (the last one it was delivered or claimed to)
 * @param idleMs milliseconds since it was last delivered to, claimed by or renewed by that consumer
 * @param deliveries how many times Redis has delivered it to the group (claims included), at least 1
 */
public record EntryDelivery(String group, String consumer, long idleMs, long deliveries) {

  /** JSON for tools: the four components under their names. */
  public JsonObject toJson() {
    return new JsonObject().put("group", group).put("consumer", consumer).put("idleMs", idleMs)
        .put("deliveries", deliveries);
  }
}
