package io.streambus.dashboard.impl;

/** A request the API refuses, with the HTTP status and, when one is to blame, the parameter's name. */
final class ApiException extends RuntimeException {
  private final int status;
  private final String parameter;

  ApiException(int status, String message, String parameter) {
    super(message, null, false, false);
    this.status = status;
    this.parameter = parameter;
  }

  static ApiException badParameter(String parameter, String message) {
    return new ApiException(400, message, parameter);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  int status() {
    return status;
  }

  String parameter() {
    return parameter;
  }
}
