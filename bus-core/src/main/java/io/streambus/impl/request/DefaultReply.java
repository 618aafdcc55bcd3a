package io.streambus.impl.request;

import io.streambus.Reply;
import io.vertx.core.buffer.Buffer;

import java.util.Collections;
import java.util.Map;

/** A reply as the requester gets it. */
record DefaultReply(String requestId, String responder, Buffer payload, String contentType,
                    Map<String, String> headers) implements Reply {
  DefaultReply {
    headers = Collections.unmodifiableMap(headers);
  }
}
