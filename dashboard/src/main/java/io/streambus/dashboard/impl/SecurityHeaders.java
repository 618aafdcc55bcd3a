package io.streambus.dashboard.impl;

import io.vertx.ext.web.RoutingContext;

/**
 * Defence in depth for a page that shows untrusted text: the page renders every payload, header and error as text,
 * and the policy below would still stop injected markup from running scripts, loading resources or framing the page.
 */
final class SecurityHeaders {
  static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {
  }

  static void apply(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }
}
