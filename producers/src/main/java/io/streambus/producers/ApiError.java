package io.streambus.producers;

import io.vertx.core.json.JsonObject;

/**
 * A request the ingest API rejects, with the HTTP status and a stable error code. The response body is
 * {@code {"error": code, "message": message}}.
 */
final class ApiError extends RuntimeException {
  final int status;
  final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  JsonObject toJson() {
    return new JsonObject().put("error", code).put("message", getMessage());
  }
}
