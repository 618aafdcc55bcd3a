package io.streambus;

import java.util.regex.Pattern;

/** Naming rules for topics and groups. */
public final class Topics {
  // compiled once: publish checks every message's topic
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private Topics() {
  }

  /**
   * Topic and group names are 1-200 characters of {@code [A-Za-z0-9._-]}: no braces or colons, which would break
   * the key layout and the cluster hash tags.
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** @throws IllegalArgumentException naming {@code what} when {@code name} is not valid */
  public static String requireValidName(String what, String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(what + " must be 1-200 of [A-Za-z0-9._-], was '" + name + "'");
    }
    return name;
  }
}
