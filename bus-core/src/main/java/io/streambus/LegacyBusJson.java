package io.streambus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The JSON of earlier versions of {@link BusOptions}, whose fields were all at the top, moved into the part each
 * belongs to now. A field belongs to the part whose JSON has it: written by default, or taken when that part reads
 * it alone.
 */
final class LegacyBusJson {
  private static final Set<String> PARTS = Set.of("connection", "topics", "publish", "requests");

  private LegacyBusJson() {
  }

  /** {@code json} with every top-level field that is not a part moved into its part. */
  static JsonObject nest(JsonObject json) {
    JsonObject nested = new JsonObject();
    for (String name : json.fieldNames()) {
      Object value = json.getValue(name);
      if (PARTS.contains(name) || value == null) {
        nested.put(name, value);
      } else if (name.equals("connectionString")) {
        part(nested, "connection").put("connectionStrings", new JsonArray().add(value));
      } else if (partOf(name, value) == null) {
        nested.put(name, value); // named by the verification as not an option
      } else {
        part(nested, partOf(name, value)).put(name, value);
      }
    }
    return nested;
  }

  private static JsonObject part(JsonObject nested, String part) {
    if (!(nested.getValue(part) instanceof JsonObject)) {
      nested.put(part, new JsonObject());
    }
    return nested.getJsonObject(part);
  }

  private static String partOf(String name, Object value) {
    if (takes(new ConnectionOptions().toJson(), name) || takesAlone(name, value, "connection")) {
      return "connection";
    }
    if (takes(new TopicOptions().toJson(), name) || takesAlone(name, value, "topics")) {
      return "topics";
    }
    return takes(new PublishOptions().toJson(), name) ? "publish" : null;
  }

  private static boolean takes(JsonObject defaults, String name) {
    return defaults.containsKey(name);
  }

  /** Whether the part reads {@code name} (a field left out of its JSON while unset: a TLS file, the master name). */
  private static boolean takesAlone(String name, Object value, String part) {
    JsonObject one = new JsonObject().put(name, value);
    try {
      JsonObject written = part.equals("connection") ? new ConnectionOptions(one).toJson()
          : new TopicOptions(one).toJson();
      return written.containsKey(name);
    } catch (OptionException e) {
      return false;
    }
  }
}
