package io.streambus.consumers;

import io.streambus.Message;
import io.streambus.MessageId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A delivered message built in memory, for testing handlers on their own. */
record TestMessage(MessageId id, String key, Map<String, String> headers, String contentType, Buffer payload,
                   int deliveryCount) implements Message {

  static TestMessage json(String topic, JsonObject payload) {
    return new TestMessage(MessageId.of(topic, 0, "1700000000000-0"), "k1", Map.of("trace", "t-9"),
        "application/json", payload.toBuffer(), 1);
  }

  @Override
  public String topic() {
    return id.topic();
  }

  @Override
  public int partition() {
    return id.partition();
  }

  @Override
  public JsonObject json() {
    return new JsonObject(payload);
  }

  @Override
  public JsonArray jsonArray() {
    return new JsonArray(payload);
  }

  @Override
  public Object jsonValue() {
    return io.vertx.core.json.Json.decodeValue(payload);
  }

  @Override
  public Map<String, Buffer> fields() {
    Map<String, Buffer> fields = new LinkedHashMap<>();
    fields.put("payload", payload);
    return fields;
  }

  @Override
  public Instant publishedAt() {
    return Instant.ofEpochMilli(id.timestamp());
  }
}
