package io.streambus.impl.request;

import io.streambus.Message;
import io.streambus.MessageId;
import io.streambus.Request;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;

/** A delivered message that is a request: the message, its id and its deadline. */
final class DefaultRequest implements Request {
  private final Message message;
  private final String requestId;
  private final long deadline;

  DefaultRequest(Message message, String requestId, long deadline) {
    this.message = message;
    this.requestId = requestId;
    this.deadline = deadline;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public Instant deadline() {
    return Instant.ofEpochMilli(deadline);
  }

  @Override
  public long timeLeftMs() {
    return Math.max(0, deadline - System.currentTimeMillis());
  }

  @Override
  public MessageId id() {
    return message.id();
  }

  @Override
  public String topic() {
    return message.topic();
  }

  @Override
  public int partition() {
    return message.partition();
  }

  @Override
  public String key() {
    return message.key();
  }

  @Override
  public Map<String, String> headers() {
    return message.headers();
  }

  @Override
  public String contentType() {
    return message.contentType();
  }

  @Override
  public Buffer payload() {
    return message.payload();
  }

  @Override
  public JsonObject json() {
    return message.json();
  }

  @Override
  public JsonArray jsonArray() {
    return message.jsonArray();
  }

  @Override
  public Object jsonValue() {
    return message.jsonValue();
  }

  @Override
  public Map<String, Buffer> fields() {
    return message.fields();
  }

  @Override
  public int deliveryCount() {
    return message.deliveryCount();
  }

  @Override
  public Instant publishedAt() {
    return message.publishedAt();
  }

  @Override
  public String toString() {
    return "request " + requestId + " (" + message.id() + ")";
  }
}
