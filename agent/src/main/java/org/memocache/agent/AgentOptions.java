package org.memocache.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.memocache.agent.internal.OptionsParser;
import org.memocache.internal.Settings;

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
 * <p>Besides its own options ({@code methods}, {@code stateless}, {@code verbose},
 * {@code weavecache}), the agent takes every configuration key of MemoCache ({@code dir},
 * {@code memory}, {@code disk}, {@code disk-entries}, {@code expire}, {@code lock-timeout},
 * {@code durable}, {@code fingerprint}, {@code allow}, {@code config}), which win over the same keys
 * given as system properties ({@code -Dmemocache.memory}), environment variables
 * ({@code MEMOCACHE_MEMORY}) or in properties files. {@code config=} names the properties file of
 * that configuration; it may also hold the agent's own options, which the command line overrides
 * ({@code methods} and {@code stateless} accumulate instead). Parsing checks everything, the
 * configuration included, so a bad value fails at start-up with a message quoting its key, source
 * and value; {@link #toString()} prints a form that parses back to equal options, but for the user
 * and password of a {@code shared} URI, which it shows as {@code ***}.
 *
 * @param methods methods memoized without an annotation
 * @param settings the configuration keys given on the command line (key → text, as written)
 * @param statelessClasses classes whose receiver state is left out of the keys of their
 *     {@code methods=} methods
 * @param verbose whether each woven method is logged at INFO
 * @param weaveCache where woven classes are kept for the next start ({@code weavecache=}), or
 *     {@code null} for none ({@code weavecache=off}); default {@code ~/.cache/memocache-agent}
 */
public record AgentOptions(
    List<MethodSelector> methods,
    Map<String, String> settings,
    List<String> statelessClasses,
    boolean verbose,
    @Nullable Path weaveCache) {

  public AgentOptions {
    methods = List.copyOf(methods);
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    statelessClasses = List.copyOf(statelessClasses);
  }

  /** No options: annotated methods only, the configuration from properties, environment and files. */
  public static AgentOptions defaults() {
    return new AgentOptions(List.of(), Map.of(), List.of(), false, defaultWeaveCache());
  }

  /** {@code $XDG_CACHE_HOME/memocache-agent}, else {@code ~/.cache/memocache-agent}. */
  public static Path defaultWeaveCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("memocache-agent");
  }

  /**
   * Parses the agent's argument string (which may be {@code null} or empty), and checks the
   * configuration it completes (system properties, environment, files).
   *
   * @throws IllegalArgumentException naming the key and value that are wrong and where they were
   *     given, or the config file that cannot be read
   */
  public static AgentOptions parse(@Nullable String agentArgs) {
    List<Word> explicit = words(agentArgs == null ? "" : agentArgs);
    Map<String, String> settings = new LinkedHashMap<>();
    List<Word> own = new ArrayList<>();
    for (Word word : explicit) {
      String w = word.text();
      String key = key(w).strip();
      Settings.Key k = Settings.Key.of(key);
      if (k == null) {
        own.add(word);
        continue;
      }
      String value = w.indexOf('=') < 0 ? "" : w.substring(w.indexOf('=') + 1).strip();
      try {
        Settings.parse(k, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MemoCache: agent option " + key + "=" + Settings.displayed(k, value) + ": "
            + e.getMessage(), e);
      }
      settings.merge(key, value, (a, b) -> k == Settings.Key.ALLOW || k == Settings.Key.IGNORE ? a + ";" + b : b);
    }
    // The whole configuration, checked now rather than when the first memoized class loads; it
    // names the config file, whose agent options come before the command line's.
    Settings configuration = Settings.load(settings, systemProperties(), System.getenv(), loader());
    Settings.Setting config = configuration.get(Settings.Key.CONFIG);
    List<Word> words = new ArrayList<>();
    if (config != null) {
      for (String w : readAgentOptions((Path) config.value())) {
        words.add(new Word(w, -1));
      }
    }
    words.addAll(own);

    OptionsParser spec = new OptionsParser();
    for (Word word : words) {
      String w = word.text();
      int eq = w.indexOf('=');
      String key = (eq < 0 ? w : w.substring(0, eq)).strip();
      String value = eq < 0 ? null : w.substring(eq + 1);
      try {
        spec.accept(key, value);
      } catch (OptionsParser.UnknownOptionException e) {
        throw new IllegalArgumentException("MemoCache agent: unknown option '" + key + "' in '" + w + "'"
            + at(word.offset(), 0) + "; the options are " + String.join(", ", OptionsParser.NAMES), e);
      } catch (OptionsParser.BadValueException e) {
        throw new IllegalArgumentException("MemoCache agent: invalid value for option '" + key + "'"
            + at(word.offset(), eq + 1 + e.offset()) + ": " + e.getMessage()
            + (word.offset() < 0 && config != null ? " (in config file " + config.value() + ")" : ""), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MemoCache agent: invalid value for option '" + key + "'"
            + at(word.offset(), eq + 1) + ": " + e.getMessage()
            + (word.offset() < 0 && config != null ? " (in config file " + config.value() + ")" : ""), e);
      }
    }
    return new AgentOptions(spec.methods, settings, spec.stateless, spec.verbose,
        spec.weaveCacheOff ? null : spec.weaveCache != null ? spec.weaveCache : defaultWeaveCache());
  }

  /** The cache directory given on the command line ({@code dir=}), or {@code null}. */
  public @Nullable Path directory() {
    String v = settings.get(Settings.Key.DIR.key());
    return v == null ? null : (Path) Settings.parse(Settings.Key.DIR, v);
  }

  /** The memory bound given on the command line ({@code memory=}), or -1. */
  public long maximumMemoryBytes() {
    String v = settings.get(Settings.Key.MEMORY.key());
    return v == null ? -1 : (Long) Settings.parse(Settings.Key.MEMORY, v);
  }

  /** The disk bound given on the command line ({@code disk=}), or -1. */
  public long maximumDiskBytes() {
    String v = settings.get(Settings.Key.DISK.key());
    return v == null ? -1 : (Long) Settings.parse(Settings.Key.DISK, v);
  }

  /** The packages given on the command line ({@code allow=}). */
  @SuppressWarnings("unchecked")
  public List<String> allowedPackages() {
    String v = settings.get(Settings.Key.ALLOW.key());
    return v == null ? List.of() : (List<String>) Settings.parse(Settings.Key.ALLOW, v);
  }

  /**
   * Whether the weaver computes a hash of each woven method's bytecode ({@code fingerprint=}, default
   * {@code true}); the configuration decides whether it becomes part of the identity.
   */
  public boolean fingerprint() {
    String v = settings.get(Settings.Key.FINGERPRINT.key());
    return v == null || (Boolean) Settings.parse(Settings.Key.FINGERPRINT, v);
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
    for (Settings.Key k : Settings.Key.values()) {
      String v = settings.get(k.key());
      if (v != null) {
        parts.add(k.key() + "=" + Settings.displayed(k, v));
      }
    }
    if (!statelessClasses.isEmpty()) {
      parts.add("stateless=" + String.join(";", statelessClasses));
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

  /** Splits at commas outside parentheses: {@code load(java.nio.file.Path,int)} stays whole. */
  static List<String> split(String args) {
    return words(args).stream().map(Word::text).toList();
  }

  /** One {@code key=value} word of the argument string and where it starts (0-based). */
  record Word(String text, int offset) {}

  /**
   * Splits at commas outside parentheses, strictly: a {@code (} left open, a {@code (} inside
   * another, or a {@code )} without its {@code (} is an error naming the option and the character
   * position (1-based), rather than a comma swallowed into one long word.
   */
  static List<Word> words(String args) {
    List<Word> words = new ArrayList<>();
    int open = -1;
    int start = 0;
    for (int i = 0; i <= args.length(); i++) {
      char c = i < args.length() ? args.charAt(i) : ',';
      if (c == '(') {
        if (open >= 0) {
          throw malformed(args, start, i, "'(' inside the parameter list opened at character " + (open + 1));
        }
        open = i;
      } else if (c == ')') {
        if (open < 0) {
          throw malformed(args, start, i, "')' without its '('");
        }
        open = -1;
      } else if (c == ',' && open < 0) {
        String w = args.substring(start, i);
        if (!w.isBlank()) {
          int lead = w.length() - w.stripLeading().length();
          words.add(new Word(w.strip(), start + lead));
        }
        start = i + 1;
      } else if (i == args.length() && open >= 0) {
        throw malformed(args, start, open, "'(' is never closed");
      }
    }
    return words;
  }

  private static IllegalArgumentException malformed(String args, int start, int at, String what) {
    int end = args.indexOf(',', at);
    String word = args.substring(start, end < 0 ? args.length() : end).strip();
    return new IllegalArgumentException("MemoCache agent: malformed option '" + key(word).strip() + "' at character "
        + (at + 1) + ": " + what + " in '" + word + "'");
  }

  /** The agent's own options in the config file; its configuration keys are read by {@link Settings}. */
  private static List<String> readAgentOptions(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("MemoCache agent: cannot read config=" + file + ": " + e, e);
    }
    List<String> words = new ArrayList<>();
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      if (OptionsParser.NAMES.contains(k) && Settings.Key.of(k) == null) {
        String v = p.getProperty(k).strip();
        words.add(v.isEmpty() && k.equals("verbose") ? k : k + "=" + v);
      }
    }
    return words;
  }

  private static String key(String word) {
    int eq = word.indexOf('=');
    return eq < 0 ? word : word.substring(0, eq);
  }

  /** " at character N" (1-based) for a word of the command line; nothing for the config file's. */
  private static String at(int wordOffset, int inWord) {
    return wordOffset < 0 ? "" : " at character " + (wordOffset + inWord + 1);
  }

  private static Map<String, String> systemProperties() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("memocache.")) {
        m.put(name, System.getProperty(name));
      }
    }
    return m;
  }

  private static @Nullable ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : ClassLoader.getSystemClassLoader();
  }
}
