package org.memocache.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.memocache.Memo;
import org.memocache.agent.internal.ByteSizes;
import org.memocache.agent.internal.OptionsParser;

/**
 * The agent's options, as given after {@code -javaagent:memocache-agent.jar=}: comma-separated
 * {@code key=value} pairs.
 *
 * <pre>
 * methods=com.acme.Pipeline#clean;com.acme.Fit#*;com.acme.Io#load(java.nio.file.Path)
 * dir=/data/cache          config=memocache.properties     memory=512m     disk=50g
 * stateless=com.acme.Fit   allow=com.acme.model            fingerprint=false   verbose
 * weavecache=off
 * </pre>
 *
 * <p>{@code config=} names a properties file with the same keys; options on the command line
 * override it ({@code methods}, {@code stateless} and {@code allow} accumulate instead). Parsing
 * checks everything, including the {@link Memo.Builder} calls the options turn into, so a bad value
 * fails at start-up with a message quoting its key and value; {@link #toString()} prints a form that
 * parses back to equal options.
 *
 * @param methods methods memoized without an annotation
 * @param directory the cache directory, or {@code null} for the default
 * @param maximumMemoryBytes bound of the memory tier, or -1 for the default
 * @param maximumDiskBytes bound of the disk tier, or -1 for the default
 * @param statelessClasses classes whose receiver state is left out of the keys of their
 *     {@code methods=} methods
 * @param allowedPackages packages (or classes) admitted when decoding stored results
 * @param fingerprint whether a hash of each woven method's bytecode is part of its identity
 * @param verbose whether each woven method is logged at INFO
 * @param weaveCache where woven classes are kept for the next start ({@code weavecache=}), or
 *     {@code null} for none ({@code weavecache=off}); default {@code ~/.cache/memocache-agent}
 */
public record AgentOptions(
    List<MethodSelector> methods,
    @Nullable Path directory,
    long maximumMemoryBytes,
    long maximumDiskBytes,
    List<String> statelessClasses,
    List<String> allowedPackages,
    boolean fingerprint,
    boolean verbose,
    @Nullable Path weaveCache) {

  public AgentOptions {
    methods = List.copyOf(methods);
    statelessClasses = List.copyOf(statelessClasses);
    allowedPackages = List.copyOf(allowedPackages);
  }

  /** No options: annotated methods only, default directory and bounds. */
  public static AgentOptions defaults() {
    return new AgentOptions(List.of(), null, -1, -1, List.of(), List.of(), true, false, defaultWeaveCache());
  }

  /** {@code $XDG_CACHE_HOME/memocache-agent}, else {@code ~/.cache/memocache-agent}. */
  public static Path defaultWeaveCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("memocache-agent");
  }

  /**
   * Parses the agent's argument string (which may be {@code null} or empty).
   *
   * @throws IllegalArgumentException naming the key and value that are wrong, or the config file
   *     that cannot be read
   */
  public static AgentOptions parse(@Nullable String agentArgs) {
    List<String> explicit = split(agentArgs == null ? "" : agentArgs);
    List<String> words = new ArrayList<>();
    Path configFile = null;
    for (String w : explicit) {
      if (w.startsWith("config=")) {
        configFile = Path.of(w.substring("config=".length()).strip());
      }
    }
    Set<String> fromFile = new TreeSet<>();
    if (configFile != null) {
      for (String w : readConfig(configFile)) {
        fromFile.add(key(w));
        words.add(w);
      }
    }
    words.addAll(explicit);

    OptionsParser spec = new OptionsParser();
    for (String w : words) {
      int eq = w.indexOf('=');
      String key = (eq < 0 ? w : w.substring(0, eq)).strip();
      String value = eq < 0 ? null : w.substring(eq + 1);
      try {
        spec.accept(key, value);
      } catch (OptionsParser.UnknownOptionException e) {
        throw new IllegalArgumentException("MemoCache agent: unknown option '" + key + "' in '" + w + "'"
            + origin(key, fromFile, explicit, configFile) + "; the options are "
            + String.join(", ", OptionsParser.NAMES), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MemoCache agent: invalid value for option '" + key + "': "
            + e.getMessage() + origin(key, fromFile, explicit, configFile), e);
      }
    }
    AgentOptions options = new AgentOptions(spec.methods, spec.dir, spec.memory, spec.disk,
        spec.stateless, spec.allow, spec.fingerprint, spec.verbose,
        spec.weaveCacheOff ? null : spec.weaveCache != null ? spec.weaveCache : defaultWeaveCache());
    options.applyTo(Memo.builder()); // the builder's own checks, now rather than at first use
    return options;
  }

  /**
   * Configures {@code builder} with these options: the one place where options become a Memo.
   *
   * @throws IllegalArgumentException quoting the option the builder rejected
   */
  public Memo.Builder applyTo(Memo.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    if (directory != null) {
      call("dir=" + directory, () -> builder.directory(directory));
    }
    if (maximumMemoryBytes >= 0) {
      call("memory=" + ByteSizes.format(maximumMemoryBytes), () -> builder.maximumMemoryBytes(maximumMemoryBytes));
    }
    if (maximumDiskBytes >= 0) {
      call("disk=" + ByteSizes.format(maximumDiskBytes), () -> builder.maximumDiskBytes(maximumDiskBytes));
    }
    if (!allowedPackages.isEmpty()) {
      call("allow=" + String.join(";", allowedPackages),
          () -> builder.allowPackages(allowedPackages.toArray(String[]::new)));
    }
    call("fingerprint=" + fingerprint, () -> builder.codeFingerprint(fingerprint));
    return builder;
  }

  /** Whether instances of {@code className} are left out of the keys of its {@code methods=} methods. */
  public boolean isStateless(String className) {
    return statelessClasses.contains(className);
  }

  /** The option string, such as {@code methods=com.acme.Fit#*,dir=/data/cache,memory=512m}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (!methods.isEmpty()) {
      parts.add("methods=" + String.join(";", methods.stream().map(MethodSelector::toString).toList()));
    }
    if (directory != null) {
      parts.add("dir=" + directory);
    }
    if (maximumMemoryBytes >= 0) {
      parts.add("memory=" + ByteSizes.format(maximumMemoryBytes));
    }
    if (maximumDiskBytes >= 0) {
      parts.add("disk=" + ByteSizes.format(maximumDiskBytes));
    }
    if (!statelessClasses.isEmpty()) {
      parts.add("stateless=" + String.join(";", statelessClasses));
    }
    if (!allowedPackages.isEmpty()) {
      parts.add("allow=" + String.join(";", allowedPackages));
    }
    if (!fingerprint) {
      parts.add("fingerprint=false");
    }
    if (verbose) {
      parts.add("verbose");
    }
    if (weaveCache == null) {
      parts.add("weavecache=off");
    } else if (!weaveCache.equals(defaultWeaveCache())) {
      parts.add("weavecache=" + weaveCache);
    }
    return String.join(",", parts);
  }

  private static void call(String option, Runnable builderCall) {
    try {
      builderCall.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("MemoCache agent: option " + option + ": " + e.getMessage(), e);
    }
  }

  /** Splits at commas outside parentheses: {@code load(java.nio.file.Path,int)} stays whole. */
  static List<String> split(String args) {
    List<String> words = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= args.length(); i++) {
      char c = i < args.length() ? args.charAt(i) : ',';
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (c == ',' && depth == 0) {
        String w = args.substring(start, i).strip();
        if (!w.isEmpty()) {
          words.add(w);
        }
        start = i + 1;
      }
    }
    return words;
  }

  private static List<String> readConfig(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("MemoCache agent: cannot read config=" + file + ": " + e, e);
    }
    List<String> words = new ArrayList<>();
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      if (k.equals("config")) {
        throw new IllegalArgumentException("MemoCache agent: config file " + file
            + " cannot name another config file (config=" + p.getProperty(k) + ")");
      }
      String v = p.getProperty(k).strip();
      words.add(v.isEmpty() && k.equals("verbose") ? k : k + "=" + v);
    }
    return words;
  }

  private static String key(String word) {
    int eq = word.indexOf('=');
    return eq < 0 ? word : word.substring(0, eq);
  }

  private static String origin(String key, Set<String> fromFile, List<String> explicit, @Nullable Path file) {
    boolean onCommandLine = explicit.stream().anyMatch(w -> key(w).equals(key));
    return !onCommandLine && fromFile.contains(key) ? " (in config file " + file + ")" : "";
  }

}
