package io.streambus.consumers.handlers;

import io.streambus.BusException;
import io.streambus.Message;
import io.streambus.MessageHandler;
import io.streambus.app.HeaderText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * POSTs each message to a URL, so that services in any language can be consumers. The body is the payload with its
 * content type (an entry without a payload field, written by another client, is sent as a JSON object of its
 * fields); {@code X-Bus-Message-Id} ({@code topic/partition/entry-id}, for de-duplication), {@code X-Bus-Topic},
 * {@code X-Bus-Partition}, {@code X-Bus-Entry-Id}, {@code X-Bus-Key}, {@code X-Bus-Delivery-Count} and one
 * {@code X-Bus-Header-<name>} per message header go along.
 *
 * <p>The response decides the message's fate: 2xx acknowledges it; 408, 429, 5xx, a connection failure or no answer
 * within the timeout retries it (with the consumer's backoff, up to its delivery limit); any other status (4xx, 3xx)
 * dead-letters it at once ({@link BusException.NonRetryable}: resending the same request will not fix it). So does a
 * message that cannot be sent as an HTTP request at all: a key or header value with a line break or another control
 * character, or a header name that is not an HTTP token (possible for entries written by other clients).
 *
 * <p>With tracing on (the consumers jar with {@code OTEL_*} set: a Vert.x with its OpenTelemetry tracer), the request
 * is an HTTP client span, a child of the delivery's span, and carries that span's {@code traceparent}: the downstream
 * service continues the message's trace. Nothing here does it by hand: the request is sent from the delivery's own
 * context, where the delivery's span is current.
 */
public final class HttpForwardHandler implements MessageHandler {
  private static final int MAX_ERROR_BODY = 200;

  private final HttpClient client;
  private final String url;
  private final long timeoutMs;

  public HttpForwardHandler(Vertx vertx, String url, long timeoutMs, int maxConnections) {
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(timeoutMs, 60_000)))
        .with(new PoolOptions().setHttp1MaxSize(maxConnections))
        .build();
  }

  @Override
  public Future<Void> handle(Message message) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setIdleTimeout(timeoutMs);
    Map<String, String> headers = headers(message);
    String unsendable = unsendable(headers);
    if (unsendable != null) {
      // The same entry fails the same way at every delivery: dead-letter it now, with the reason, instead of retrying.
      return Future.failedFuture(new BusException.NonRetryable("message " + message.id()
          + " cannot be sent as an HTTP request: " + unsendable));
    }
    headers.forEach(request::putHeader);
    // body() is asked for inside send()'s own continuation, in the event-loop turn that delivers the response.
    // Chained one level up, the continuation goes through the request's future instead; called from a thread outside
    // Vert.x, that future's context is not the connection's, the response can end before body() is asked for, and
    // Vert.x 5.0.7 then never completes the body (eclipse-vertx/vert.x#6038): the call waits out its whole timeout.
    return client.request(request)
        .compose(req -> req.send(body(message))
            .compose(resp -> resp.body().compose(body -> outcome(resp.statusCode(), body))))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<Void> outcome(int status, Buffer body) {
    if (status >= 200 && status < 300) {
      return Future.succeededFuture();
    }
    String detail = "HTTP " + status + " from " + url + ": " + snippet(body);
    if (status == 408 || status == 429 || status >= 500) {
      return Future.failedFuture(new BusException(detail));
    }
    return Future.failedFuture(new BusException.NonRetryable(detail));
  }

  /** Why one of {@code headers} cannot be sent (its name is not a token, its value holds a control character), or null. */
  static String unsendable(Map<String, String> headers) {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!HeaderText.isToken(h.getKey())) {
        return "header name '" + h.getKey() + "' is not an HTTP token";
      }
      String problem = HeaderText.valueProblem(h.getKey(), h.getValue());
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  static Map<String, String> headers(Message m) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("Content-Type", m.contentType() != null ? m.contentType()
        : m.isForeign() ? "application/json" : "application/octet-stream");
    h.put("X-Bus-Message-Id", m.id().toString());
    h.put("X-Bus-Topic", m.topic());
    h.put("X-Bus-Partition", String.valueOf(m.partition()));
    h.put("X-Bus-Entry-Id", m.id().value());
    h.put("X-Bus-Delivery-Count", String.valueOf(m.deliveryCount()));
    if (m.key() != null) {
      h.put("X-Bus-Key", m.key());
    }
    m.headers().forEach((name, value) -> h.put("X-Bus-Header-" + name, value));
    return h;
  }

  private static Buffer body(Message m) {
    if (!m.isForeign()) {
      return m.payload();
    }
    JsonObject fields = new JsonObject();
    m.fields().forEach((k, v) -> fields.put(k, v.toString()));
    return fields.toBuffer();
  }

  private static String snippet(Buffer body) {
    String text = body == null ? "" : body.toString();
    return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "...";
  }
}
