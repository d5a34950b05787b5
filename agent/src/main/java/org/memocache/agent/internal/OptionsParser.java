package org.memocache.agent.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.MethodSelector;
import org.memocache.internal.Settings;

/**
 * Reads the agent's own {@code key=value} words into values, converting and checking each one (the
 * configuration keys, such as {@code dir} and {@code memory}, are read by
 * {@link org.memocache.internal.Settings}). List options ({@code methods}, {@code stateless};
 * {@code ;}-separated) accumulate over repeats; for the others the last value wins, so words read
 * later override earlier ones.
 *
 * <p>Hand-written rather than picocli (which the command line uses): the agent parses its options
 * on every JVM start, and picocli's first parse cost 150 to 250 ms here, most of the start-up
 * budget of the whole agent, for a grammar of nine keys.
 */
public final class OptionsParser {

  /** The agent's own option names. */
  public static final List<String> OWN = List.of("methods", "stateless", "verbose", "weavecache");

  /** Every option name: the agent's own, then the configuration keys. */
  public static final List<String> NAMES = Stream.concat(OWN.stream(),
      Arrays.stream(Settings.Key.values()).map(Settings.Key::key)).toList();

  private static final Pattern NAME = Pattern.compile(
      "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

  public final List<MethodSelector> methods = new ArrayList<>();
  public final List<String> stateless = new ArrayList<>();
  public boolean verbose;
  public @Nullable Path weaveCache;
  public boolean weaveCacheOff;

  /** A word that names no option. */
  public static final class UnknownOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownOptionException(String word) {
      super(word);
    }
  }

  /** A bad value, and where in the value (0-based) the bad part starts. */
  public static final class BadValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    BadValueException(int offset, String message, Throwable cause) {
      super(message, cause);
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }

  /**
   * Applies one word.
   *
   * @throws UnknownOptionException when its key is not an option
   * @throws IllegalArgumentException with the reason (not yet naming the key) when its value is bad
   */
  public void accept(String key, @Nullable String value) {
    switch (key) {
      case "methods" -> {
        required(value);
        int at = 0;
        for (String s : value.split(";", -1)) {
          if (!s.isBlank()) {
            try {
              methods.add(MethodSelector.parse(s));
            } catch (IllegalArgumentException e) {
              throw new BadValueException(at + s.length() - s.stripLeading().length(), e.getMessage(), e);
            }
          }
          at += s.length() + 1;
        }
      }
      case "stateless" -> stateless.addAll(names(value));
      case "verbose" -> verbose = value == null || bool(value);
      case "weavecache" -> {
        weaveCacheOff = required(value).equals("off");
        weaveCache = weaveCacheOff ? null : path(value);
      }
      default -> throw new UnknownOptionException(key);
    }
  }

  private static String required(@Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a value is required");
    }
    return value.strip();
  }

  private static List<String> list(@Nullable String value) {
    return Arrays.stream(required(value).split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Path path(@Nullable String value) {
    try {
      return Path.of(required(value));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + value + "' is not a path: " + e.getMessage(), e);
    }
  }

  private static List<String> names(@Nullable String value) {
    List<String> names = list(value);
    for (String n : names) {
      if (!NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("'" + n + "' is not a class or package name such as com.acme.Fit");
      }
    }
    return names;
  }

  private static boolean bool(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("'" + value + "' is not a boolean");
    };
  }
}
