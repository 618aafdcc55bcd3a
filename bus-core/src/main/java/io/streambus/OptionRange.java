package io.streambus;

/**
 * The values a numeric option accepts, inclusive at both ends. The options check their values against these
 * constants and the process settings of the fat-jars read theirs with the same ones, so a setting and its option
 * accept the same values.
 *
 * @param min the smallest value accepted
 * @param max the largest value accepted
 */
public record OptionRange(long min, long max) {
  /**
   * @throws IllegalArgumentException when {@code min > max}
   */
  public OptionRange {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
  }

  /** The range {@code min..max}. */
  public static OptionRange of(long min, long max) {
    return new OptionRange(min, max);
  }

  /** The range {@code min..Long.MAX_VALUE}. */
  public static OptionRange atLeast(long min) {
    return new OptionRange(min, Long.MAX_VALUE);
  }

  /** Whether {@code value} is in the range. */
  public boolean contains(long value) {
    return value >= min && value <= max;
  }

  /**
   * Checks one option's value.
   *
   * @param field the option's path, for {@link OptionException#field()}
   * @return {@code value}
   * @throws OptionException naming the field, the range and the value when it is outside
   */
  public long check(String field, long value) {
    if (!contains(value)) {
      throw new OptionException(field, field + " must be " + this + ", was " + value);
    }
    return value;
  }

  /** Whether {@code value} is in the range (for options measured in fractions: a rate, a factor). */
  public boolean contains(double value) {
    return value >= min && value <= max;
  }

  /**
   * Checks one fractional option's value.
   *
   * @param field the option's path, for {@link OptionException#field()}
   * @return {@code value}
   * @throws OptionException naming the field, the range and the value when it is outside
   */
  public double check(String field, double value) {
    if (!contains(value)) {
      throw new OptionException(field, field + " must be " + this + ", was " + value);
    }
    return value;
  }

  /** {@code 1..1024}, or {@code >= 1} for a range without a practical upper end. */
  @Override
  public String toString() {
    return max == Long.MAX_VALUE ? ">= " + min : "in " + min + ".." + max;
  }
}
