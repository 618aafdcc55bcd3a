package io.streambus.consumers;

import io.streambus.app.ConfigException;
import io.streambus.consumers.spi.HandlerFactory;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The {@link HandlerFactory}s on the class path, by name. */
public final class HandlerRegistry {
  private final Map<String, HandlerFactory> factories = new TreeMap<>();

  private HandlerRegistry() {
  }

  /** Every factory {@link ServiceLoader} finds with the context class loader. Duplicate names: the first wins. */
  public static HandlerRegistry load() {
    HandlerRegistry registry = new HandlerRegistry();
    for (HandlerFactory factory : ServiceLoader.load(HandlerFactory.class)) {
      registry.factories.putIfAbsent(factory.name(), factory);
    }
    return registry;
  }

  /** @throws ConfigException naming {@code setting} and the available handlers when none is called {@code name} */
  public HandlerFactory get(String setting, String name) {
    HandlerFactory factory = factories.get(name);
    if (factory == null) {
      throw new ConfigException(setting, setting + ": no handler named '" + name + "'; available: "
          + String.join(", ", factories.keySet()));
    }
    return factory;
  }

  public java.util.Set<String> names() {
    return factories.keySet();
  }
}
