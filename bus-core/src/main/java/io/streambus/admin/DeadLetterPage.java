package io.streambus.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A page of dead letters.
 *
 * @param nextCursor the cursor of the next page, or null when this is the last page
 */
public record DeadLetterPage(List<DeadLetter> items, String nextCursor) {

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(d -> array.add(d.toJson()));
    return new JsonObject().put("items", array).put("nextCursor", nextCursor);
  }
}
