package io.streambus.dashboard.impl;

import io.streambus.dashboard.DashboardOptions;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read and who may change. The token travels only in the {@value #HEADER} header: browsers never attach a
 * header on their own the way they attach cookies, so another site cannot forge a mutation (no CSRF), and a header
 * is not logged or bookmarked the way a URL is. Tokens are compared in constant time.
 */
final class Access {
  static final String HEADER = "X-Bus-Token";
  static final String HOW_TO_ENABLE = "Mutations are disabled because no token is configured. Start the dashboard "
      + "with BUS_DASHBOARD_TOKEN set (or DashboardOptions.setMutationToken when mounting the router), then enter the "
      + "token on the page.";

  private final byte[] mutationToken;
  private final byte[] readToken;

  Access(DashboardOptions options) {
    mutationToken = bytes(options.getMutationToken());
    readToken = bytes(options.getReadToken());
  }

  boolean mutationsEnabled() {
    return mutationToken != null;
  }

  boolean readsProtected() {
    return readToken != null;
  }

  /** Lets a read through when no read token is configured, or when the request carries either token. */
  void reads(RoutingContext ctx) {
    if (readToken == null) {
      ctx.next();
      return;
    }
    byte[] given = bytes(ctx.request().getHeader(HEADER));
    if (given == null) {
      Problems.send(ctx, 401, "this dashboard requires a token in the " + HEADER + " header", HEADER);
    } else if (matches(given, readToken) | matches(given, mutationToken)) {
      ctx.next();
    } else {
      Problems.send(ctx, 403, "wrong token", HEADER);
    }
  }

  /** Lets a mutation through only when mutations are enabled and the request carries the mutation token. */
  void mutations(RoutingContext ctx) {
    byte[] given = bytes(ctx.request().getHeader(HEADER));
    if (mutationToken == null) {
      Problems.send(ctx, 403, HOW_TO_ENABLE, null);
    } else if (given == null) {
      Problems.send(ctx, 401, "replay, delete and purge require the token in the " + HEADER + " header", HEADER);
    } else if (matches(given, mutationToken)) {
      ctx.next();
    } else {
      Problems.send(ctx, 403, "wrong token", HEADER);
    }
  }

  /** Constant time in the content: MessageDigest.isEqual does not stop at the first differing byte. */
  static boolean matches(byte[] given, byte[] expected) {
    return expected != null && MessageDigest.isEqual(given, expected);
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
