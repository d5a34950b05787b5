package org.memocache.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Checks of the arguments of builders and settings, failing with a message that names the value. */
public final class Arguments {
  private Arguments() {}

  /** @throws IllegalArgumentException with {@code template} formatted with {@code args} unless {@code ok} */
  public static void requireArgument(boolean ok, String template, @Nullable Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }

  /**
   * Returns {@code age}.
   *
   * @throws NullPointerException naming {@code what} when {@code age} is {@code null}
   * @throws IllegalArgumentException {@code "<what> must be positive, was <age>"} when it is zero or negative
   */
  public static Duration positive(String what, Duration age) {
    Objects.requireNonNull(age, what);
    requireArgument(!age.isNegative() && !age.isZero(), "%s must be positive, was %s", what, age);
    return age;
  }
}
