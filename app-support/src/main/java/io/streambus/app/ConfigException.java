package io.streambus.app;

import io.streambus.OptionException;

import java.util.Map;

/**
 * An invalid or missing setting. The message names the setting as the operator wrote it (for example
 * {@code "BUS_MAX_IN_FLIGHT must be an integer 1..100000, was 'abc'"}), so it can be printed as is; processes
 * print it and exit with {@link AppRunner#EXIT_CONFIG} before anything starts.
 */
public class ConfigException extends RuntimeException {
  private final String setting;

  public ConfigException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  public ConfigException(String setting, String message, Throwable cause) {
    super(message, cause);
    this.setting = setting;
  }

  /**
   * The options refused a field: the same error, named by the setting that fed the field.
   *
   * @param settings the options' fields ({@link OptionException#field()}) → the setting that feeds each
   * @throws IllegalStateException when no setting feeds the field: the process set that value itself, a bug
   */
  public static ConfigException ofOption(OptionException refused, Map<String, String> settings) {
    String setting = settings.get(refused.field());
    if (setting == null) {
      throw new IllegalStateException("no setting feeds the option " + refused.field() + ": " + refused.getMessage(),
          refused);
    }
    return new ConfigException(setting, setting + ": " + refused.getMessage(), refused);
  }

  /** The setting at fault, e.g. {@code BUS_REDIS_URL}; null when the problem is not one setting's (a bad argument). */
  public String setting() {
    return setting;
  }
}
