package io.streambus.consumers.handlers;

import io.streambus.MessageHandler;
import io.streambus.app.ConfigException;
import io.streambus.app.Settings;
import io.streambus.consumers.ConsumerConfig;
import io.streambus.consumers.spi.HandlerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Set;

/**
 * {@code BUS_HANDLER=http}: {@link HttpForwardHandler} to {@value #URL} (required), with {@value #TIMEOUT_MS}
 * (default 10000) per request and up to {@code BUS_MAX_IN_FLIGHT} connections.
 */
public final class HttpHandlerFactory implements HandlerFactory {
  public static final String URL = "BUS_HTTP_TARGET_URL";
  public static final String TIMEOUT_MS = "BUS_HTTP_TARGET_TIMEOUT_MS";

  @Override
  public String name() {
    return "http";
  }

  @Override
  public MessageHandler create(Vertx vertx, JsonObject config) {
    Settings s = new Settings(config);
    String url = s.required(URL);
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(URL, URL + " is not a URL: '" + url + "'");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException(URL, URL + " must be an http:// or https:// URL with a host, was '" + url + "'");
    }
    long timeout = s.longValue(TIMEOUT_MS, 10_000, 1, 3_600_000);
    int connections = s.integer(ConsumerConfig.MAX_IN_FLIGHT, 64, 1, 100_000);
    return new HttpForwardHandler(vertx, url, timeout, connections);
  }

  @Override
  public Set<String> settingNames() {
    return Set.of(URL, TIMEOUT_MS);
  }
}
