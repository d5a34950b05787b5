package org.memocache.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.memocache.spi.KeyEncoder;
import org.memocache.spi.ValueCodec;

/**
 * MemoCache's configuration from outside the program, read the same way by every {@code Memo}
 * (the default one, build-woven code's and the agent's): the table of {@link Key keys} and where
 * their values come from, highest precedence first:
 *
 * <ol>
 *   <li>agent options ({@code -javaagent:memocache-agent.jar=memory=512m}), registered with
 *       {@link #useAgentOptions};
 *   <li>system properties {@code memocache.<key>} ({@code -Dmemocache.memory=512m});
 *   <li>environment variables {@code MEMOCACHE_<KEY>} ({@code MEMOCACHE_MEMORY=512m});
 *   <li>a framework's configuration, for a Memo built inside {@link #withFrameworkSource} (Spring
 *       properties {@code memocache.<key>});
 *   <li>the properties file named by the {@code config} key (agent option {@code config=},
 *       {@code memocache.config} or {@code MEMOCACHE_CONFIG});
 *   <li>{@code memocache.properties} at the root of the class path;
 *   <li>the defaults.
 * </ol>
 *
 * {@code allow} and {@code ignore} add up over all sources instead: each admits more classes or
 * leaves out more parameters. Values set on a
 * {@code Memo.Builder} win over all of these. Reading is cheap (a few look-ups and at most two small
 * files) and done when a Memo is built; a bad value fails with one message naming the key, its
 * source (property, variable, agent option or file and line) and the value.
 */
public final class Settings {

  /** The keys, in the order the documentation lists them. */
  public enum Key {
    DIR("dir", "the cache directory (a leading ~/ is the home directory)"),
    MEMORY("memory", "bound of the memory tier in estimated bytes: 512m, 2g, 4096"),
    DISK("disk", "bound of the disk tier in bytes: 50g"),
    DISK_ENTRIES("disk-entries", "bound of the disk tier in entries"),
    EXPIRE("expire", "maximum age of a stored result: 30d, 12h, 90m, 45s or ISO-8601 P30D"),
    LOCK_TIMEOUT("lock-timeout", "how long to wait for another process computing the same key: 10m, PT30S"),
    DURABLE("durable", "true: fsync every entry before publishing it"),
    FINGERPRINT("fingerprint", "false: leave the bytecode fingerprint out of woven methods' identity"),
    ALLOW("allow", "packages or classes, ; or , separated, whose objects may be decoded from the cache"),
    KEY_ENCODERS("key-encoders", "types and the KeyEncoder classes (public, no-arg constructor) that hash them:"
        + " com.acme.Money=com.acme.MoneyEncoder; ..."),
    CODECS("codecs", "ValueCodec classes (public, no-arg constructor), ; separated, tried before the built-in ones:"
        + " com.acme.MatrixCodec"),
    IGNORE("ignore", "parameters left out of the key, ; separated: com.acme.Job#run:logger, or #run:1 by index"),
    SHARED("shared", "a Redis server shared by many hosts, the tier below the disk: redis://host:6379,"
        + " rediss://user:password@host:6380 (needs cache-redis)"),
    BLOBS("blobs", "the S3-compatible object store for large shared values: s3://bucket/prefix (endpoint and"
        + " credentials from the AWS SDK's settings: AWS_ENDPOINT_URL, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)"),
    SHARED_BYTES("shared-bytes", "bound of the shared tier in bytes, Redis and object store together: 500g"),
    SHARED_ENTRIES("shared-entries", "bound of the shared tier in entries"),
    CONFIG("config", "a properties file with these keys");

    private final String key;
    private final String meaning;

    Key(String key, String meaning) {
      this.key = key;
      this.meaning = meaning;
    }

    /** The key as written in files and agent options: {@code lock-timeout}. */
    public String key() {
      return key;
    }

    /** The system property: {@code memocache.lock-timeout}. */
    public String property() {
      return PREFIX + key;
    }

    /** The environment variable: {@code MEMOCACHE_LOCK_TIMEOUT}. */
    public String env() {
      return "MEMOCACHE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** What it sets. */
    public String meaning() {
      return meaning;
    }

    /** The key named {@code key} ({@code lock-timeout}), or {@code null}. */
    public static @Nullable Key of(String key) {
      for (Key k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      return null;
    }
  }

  /** A value and where it came from, such as {@code system property memocache.memory=512m}. */
  public record Setting(Key key, Object value, String origin) {}

  /**
   * A parameter left out of the key like {@code @Memoize.Ignore}: {@code parameter} is its name,
   * or its index when it is all digits.
   *
   * @param origin where it was set, for warnings
   */
  public record Ignored(String owner, String method, String parameter, String origin) {

    /** Whether this names parameter {@code index} called {@code name} (absent when not compiled in). */
    public boolean names(int index, @Nullable String name) {
      return parameter.chars().allMatch(Character::isDigit)
          ? Integer.parseInt(parameter) == index
          : parameter.equals(name);
    }

    /** As written: {@code com.acme.Job#run:logger}. */
    public String selector() {
      return owner + "#" + method + ":" + parameter;
    }
  }

  /** The name of the class-path file. */
  public static final String FILE = "memocache.properties";

  private static final String PREFIX = "memocache.";

  /** Keys of the agent alone, read from its command line and its config file. */
  private static final Set<String> AGENT_ONLY = Set.of("methods", "stateless", "verbose", "weavecache");

  /** {@code memocache.*} properties read elsewhere (the disk tier's maintenance interval). */
  private static final Set<String> OTHER_PROPERTIES = Set.of("memocache.disk.maintenanceInterval");

  /**
   * The parsers' patterns, compiled on first use: a JVM whose configuration sets none of the keys
   * that need them (the usual case) does not pay for compiling them when it opens a Memo.
   */
  private static final class Patterns {
    static final Pattern NAME = Pattern.compile(
        "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}$]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}$]*)*");
    static final Pattern IGNORED = Pattern.compile(
        "(" + NAME.pattern() + ")#([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*):"
        + "([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*|\\d{1,3})");
    static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d|w)");
    static final Pattern FILE_KEY = Pattern.compile("^\\s*((?:[^=:\\s\\\\]|\\\\.)+)");

    private Patterns() {}
  }

  private static volatile Map<String, String> agentOptions = Map.of();

  /** The framework source of a Memo being built on this thread, see {@link #withFrameworkSource}. */
  private static final ThreadLocal<@Nullable Source> FRAMEWORK = new ThreadLocal<>();

  private final Map<Key, Setting> values;
  private final List<String> allow;
  private final List<Ignored> ignored;

  private Settings(Map<Key, Setting> values, List<String> allow, List<Ignored> ignored) {
    this.values = values;
    this.allow = List.copyOf(allow);
    this.ignored = List.copyOf(ignored);
  }

  /**
   * Registers the agent's options for these keys (key → text, as on its command line), the source
   * of highest precedence for every Memo of this JVM.
   *
   * @throws IllegalArgumentException as {@link #load()} does, for a bad option or configuration
   */
  public static void useAgentOptions(Map<String, String> options) {
    Map<String, String> copy = Map.copyOf(options);
    load(copy, properties(), System.getenv(), loader()); // fail at the agent's start-up, not later
    agentOptions = copy;
  }

  /**
   * Runs {@code action}, which builds a Memo, with one more source of these keys ranked below the
   * environment variables and above the files: a framework's own configuration, such as the
   * {@code memocache.*} properties of a Spring environment. An unknown key gets one warning naming it
   * (as {@code origin} writes it) and the key it probably meant or the list of keys.
   *
   * @param values the text of each key, by the key as written in files ({@code lock-timeout})
   * @param origin where a key was set, as messages quote it: {@code Spring property memocache.lockTimeout}
   */
  public static <T> T withFrameworkSource(Map<String, String> values, java.util.function.Function<String, String> origin,
      java.util.function.Supplier<T> action) {
    for (String k : values.keySet()) {
      if (Key.of(k) == null) {
        String where = origin.apply(k);
        Warnings.once("setting:" + where, () -> "MemoCache: unknown " + where + suggestion(k, true));
      }
    }
    Source previous = FRAMEWORK.get();
    FRAMEWORK.set(new Source(Map.copyOf(values), k -> origin.apply(k.key()) + "=", Key::key));
    try {
      return action.get();
    } finally {
      FRAMEWORK.set(previous);
    }
  }

  /**
   * The configuration of this JVM now: agent options, system properties, environment, files (and the
   * framework source of {@link #withFrameworkSource}, on its thread).
   *
   * @throws IllegalArgumentException naming the key, its source and the value when a value is bad,
   *     or the configuration file when it cannot be read
   */
  public static Settings load() {
    return load(agentOptions, properties(), System.getenv(), loader());
  }

  /** As {@link #load()}, from these sources (for tests). */
  public static Settings load(Map<String, String> agent, Map<String, String> properties, Map<String, String> env,
      @Nullable ClassLoader loader) {
    List<Source> sources = new ArrayList<>();
    sources.add(new Source(agent, k -> "agent option " + k.key() + "=", Key::key));
    sources.add(new Source(properties, k -> "system property " + k.property() + "=", Key::property));
    sources.add(new Source(env, k -> "environment variable " + k.env() + "=", Key::env));
    Source framework = FRAMEWORK.get();
    if (framework != null) {
      sources.add(framework);
    }
    warnUnknownProperties(properties);

    Setting config = null;
    for (Source s : sources) {
      if (config == null) {
        config = s.setting(Key.CONFIG);
      }
    }
    if (config != null) {
      sources.add(file((Path) config.value(), config.origin()));
    }
    URL resource = loader == null ? null : loader.getResource(FILE);
    if (resource != null) {
      sources.add(resource(resource));
    }

    Map<Key, Setting> values = new EnumMap<>(Key.class);
    List<String> allow = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>();
    for (Source s : sources) {
      for (Key k : Key.values()) {
        Setting v = s.setting(k);
        if (v == null) {
          continue;
        }
        if (k == Key.ALLOW) {
          @SuppressWarnings("unchecked")
          List<String> names = (List<String>) v.value();
          allow.addAll(names);
        } else if (k == Key.IGNORE) {
          @SuppressWarnings("unchecked")
          List<Ignored> parsed = (List<Ignored>) v.value();
          for (Ignored i : parsed) {
            ignored.add(new Ignored(i.owner(), i.method(), i.parameter(), v.origin()));
          }
        }
        values.putIfAbsent(k, v);
      }
    }
    return new Settings(values, allow, ignored);
  }

  /** The value of {@code key} and its origin, or {@code null} when no source sets it. */
  public @Nullable Setting get(Key key) {
    return values.get(key);
  }

  /** The configured cache directory, or {@code null}. */
  public @Nullable Path directory() {
    Setting s = values.get(Key.DIR);
    return s == null ? null : (Path) s.value();
  }

  /** A configured size, count or boolean, or {@code null}. */
  public @Nullable Long number(Key key) {
    Setting s = values.get(key);
    return s == null ? null : (Long) s.value();
  }

  /** A configured duration, or {@code null}. */
  public @Nullable Duration duration(Key key) {
    Setting s = values.get(key);
    return s == null ? null : (Duration) s.value();
  }

  /** A configured switch, or {@code null}. */
  public @Nullable Boolean bool(Key key) {
    Setting s = values.get(key);
    return s == null ? null : (Boolean) s.value();
  }

  /** The parameters every source together leaves out of the key. */
  public List<Ignored> ignored() {
    return ignored;
  }

  /** The packages admitted by every source together. */
  public List<String> allow() {
    return allow;
  }

  @Override
  public String toString() {
    return values.values().stream().map(Setting::origin).collect(Collectors.joining(", ", "Settings[", "]"));
  }

  // ---- parsing ----

  /**
   * The value of {@code key} written as {@code text}.
   *
   * @throws IllegalArgumentException with the reason, not naming the key
   */
  public static Object parse(Key key, String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("a value is required");
    }
    return switch (key) {
      case DIR, CONFIG -> path(t);
      case MEMORY -> size(t);
      case DISK, SHARED_BYTES -> positive(size(t));
      case DISK_ENTRIES, SHARED_ENTRIES -> positive(count(t));
      case EXPIRE -> positive(duration(t));
      case LOCK_TIMEOUT -> duration(t);
      case DURABLE, FINGERPRINT -> bool(t);
      case ALLOW -> names(t);
      case IGNORE -> ignored(t);
      case KEY_ENCODERS -> pairs(t);
      case CODECS -> classNames(t);
      case SHARED -> redisUri(t);
      case BLOBS -> blobsUri(t);
    };
  }

  /**
   * A Redis URI as {@code Memo.builder().shared(URI)} accepts it: scheme {@code redis} or
   * {@code rediss}, a host, optionally {@code user:password@}, a port and a database number.
   *
   * @throws IllegalArgumentException saying what is wrong, quoting the URI without its password
   */
  public static URI redisUri(String t) {
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI such as redis://host:6379");
    }
    String why = null;
    if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
      why = "scheme must be redis or rediss";
    } else if (u.getHost() == null) {
      why = "a host is required";
    } else if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().matches("/\\d{0,2}")) {
      why = "the path can only be a database number";
    }
    if (why != null) {
      throw new IllegalArgumentException(why + ", as in redis://host:6379 or rediss://user:password@host:6380,"
          + " not " + redacted(u));
    }
    return u;
  }

  /** An object store location {@code s3://bucket[/prefix]}. */
  private static URI blobsUri(String t) {
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI such as s3://bucket/prefix");
    }
    if (!"s3".equals(u.getScheme()) || u.getHost() == null || u.getUserInfo() != null) {
      throw new IllegalArgumentException("not an object store location such as s3://bucket/prefix (credentials"
          + " come from the AWS SDK's settings, never from this URI)");
    }
    return u;
  }

  /**
   * {@code uri} as messages, logs and {@code toString}s show it: any user name and password replaced
   * by {@code ***}.
   */
  public static String redacted(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    String s = uri.toString();
    int at = s.indexOf(uri.getRawUserInfo() + "@");
    return at < 0 ? uri.getScheme() + "://***@" + uri.getHost()
        : s.substring(0, at) + "***" + s.substring(at + uri.getRawUserInfo().length());
  }

  /** The text of a setting as messages show it: a {@code shared} or {@code blobs} URI without its password. */
  public static String displayed(Key key, String text) {
    if (key != Key.SHARED && key != Key.BLOBS) {
      return text.strip();
    }
    try {
      return redacted(new URI(text.strip()));
    } catch (URISyntaxException e) {
      return "(not a URI)";
    }
  }

  /** A configured URI, or {@code null}. */
  public @Nullable URI uri(Key key) {
    Setting s = values.get(key);
    return s == null ? null : (URI) s.value();
  }

  private static Path path(String t) {
    try {
      if (t.equals("~") || t.startsWith("~/")) {
        return Path.of(System.getProperty("user.home"), t.substring(1).replaceFirst("^/", ""));
      }
      return Path.of(t);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path: " + e.getReason());
    }
  }

  private static long size(String t) {
    try {
      return ByteSizes.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a size such as 512m, 2g or 4096");
    }
  }

  private static long count(String t) {
    try {
      return Long.parseLong(t.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number");
    }
  }

  private static long positive(long n) {
    if (n <= 0) {
      throw new IllegalArgumentException("must be positive");
    }
    return n;
  }

  private static Duration positive(Duration d) {
    if (d.isZero()) {
      throw new IllegalArgumentException("must be positive");
    }
    return d;
  }

  /**
   * Parses {@code 500ms}, {@code 45s}, {@code 10m}, {@code 12h}, {@code 30d}, {@code 2w} or ISO-8601
   * ({@code PT10M}); also for the CLI's age options, so that both accept the same forms.
   *
   * @throws IllegalArgumentException when {@code t} is none of these, or negative
   */
  public static Duration duration(String t) {
    Matcher m = Patterns.SHORT_DURATION.matcher(t.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m", "min" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      Duration d = Duration.parse(t);
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new IllegalArgumentException("not a duration such as 30s, 10m, 12h, 30d or PT10M");
  }

  private static boolean bool(String t) {
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not true or false");
    };
  }

  private static List<String> names(String t) {
    List<String> names = Arrays.stream(t.split("[;,\\s]+")).filter(s -> !s.isEmpty()).toList();
    for (String n : names) {
      if (!Patterns.NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("'" + n + "' is not a package or class name such as com.acme.model");
      }
    }
    return names;
  }

  private static List<String> classNames(String t) {
    List<String> names = Arrays.stream(t.split("[;,\\s]+")).filter(s -> !s.isEmpty()).distinct().toList();
    for (String n : names) {
      if (!Patterns.NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("'" + n + "' is not a class name such as com.acme.MatrixCodec");
      }
    }
    return names;
  }

  /** {@code a.B=c.D; e.F=g.H} as an ordered map of class names. */
  private static Map<String, String> pairs(String t) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String s : t.split("[;,\\s]+")) {
      if (s.isEmpty()) {
        continue;
      }
      int eq = s.indexOf('=');
      String type = eq < 0 ? "" : s.substring(0, eq);
      String impl = eq < 0 ? "" : s.substring(eq + 1);
      if (!Patterns.NAME.matcher(type).matches() || !Patterns.NAME.matcher(impl).matches()) {
        throw new IllegalArgumentException("'" + s + "' is not a pair of class names such as"
            + " com.acme.Money=com.acme.MoneyEncoder");
      }
      pairs.put(type, impl);
    }
    return pairs;
  }

  /**
   * The class {@code name} of a configured value, loaded by {@code loader}.
   *
   * @throws IllegalArgumentException naming the key, its origin and the class when it is missing
   */
  public static Class<?> loadClass(Setting setting, String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": class " + name
          + (e instanceof ClassNotFoundException ? " not found" : " cannot be loaded: " + e), e);
    }
  }

  /**
   * A new instance of the configured class {@code name}, which must be a {@code type} with a public
   * no-arg constructor.
   *
   * @throws IllegalArgumentException naming the key, its origin and the class when it is none
   */
  public static <T> T instance(Setting setting, String name, Class<T> type, ClassLoader loader) {
    Class<?> c = loadClass(setting, name, loader);
    Constructor<?> constructor = constructor(setting, c, type);
    try {
      return type.cast(constructor.newInstance());
    } catch (IllegalAccessException | InstantiationException e) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": " + name
          + NEEDS_CONSTRUCTOR, e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": the constructor of " + name
          + " threw " + e.getCause(), e.getCause());
    }
  }

  private static final String NEEDS_CONSTRUCTOR = " needs a public no-arg constructor (and a public, concrete class)";

  /** The public no-arg constructor of {@code c}, a concrete {@code type}. */
  private static Constructor<?> constructor(Setting setting, Class<?> c, Class<?> type) {
    if (!type.isAssignableFrom(c)) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": " + c.getName() + " is not a "
          + type.getName());
    }
    if (!Modifier.isPublic(c.getModifiers())
        || Modifier.isAbstract(c.getModifiers())) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": " + c.getName() + NEEDS_CONSTRUCTOR);
    }
    try {
      return c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": " + c.getName() + NEEDS_CONSTRUCTOR, e);
    }
  }

  /**
   * Loads, without initializing them, the classes that the {@code key-encoders} and {@code codecs}
   * keys name and that {@code loader} can find, and checks their types and constructors; classes it
   * cannot find are left for the Memo's build, whose class loader may see more (a fat jar's).
   * Loaded early, such a class is no longer loaded for the first time while the class that makes
   * the agent build its Memo is being defined.
   *
   * @throws IllegalArgumentException naming the key, its origin and the class, as
   *     {@link #instance} would
   */
  public void checkClasses(ClassLoader loader) {
    Setting encoders = values.get(Key.KEY_ENCODERS);
    if (encoders != null) {
      @SuppressWarnings("unchecked")
      Map<String, String> pairs = (Map<String, String>) encoders.value();
      for (Map.Entry<String, String> e : pairs.entrySet()) {
        check(encoders, e.getKey(), null, loader);
        check(encoders, e.getValue(), KeyEncoder.class, loader);
      }
    }
    Setting codecs = values.get(Key.CODECS);
    if (codecs != null) {
      for (String name : classNames(codecs)) {
        check(codecs, name, ValueCodec.class, loader);
      }
    }
  }

  /** Whether the {@code key-encoders} or {@code codecs} key names the class {@code binaryName}. */
  public boolean namesClass(String binaryName) {
    Setting encoders = values.get(Key.KEY_ENCODERS);
    if (encoders != null) {
      @SuppressWarnings("unchecked")
      Map<String, String> pairs = (Map<String, String>) encoders.value();
      if (pairs.containsKey(binaryName) || pairs.containsValue(binaryName)) {
        return true;
      }
    }
    Setting codecs = values.get(Key.CODECS);
    return codecs != null && classNames(codecs).contains(binaryName);
  }

  private static void check(Setting setting, String name, @Nullable Class<?> type, ClassLoader loader) {
    Class<?> c;
    try {
      c = Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      return;
    } catch (LinkageError e) {
      throw new IllegalArgumentException("MemoCache: " + setting.origin() + ": class " + name + " cannot be loaded: "
          + e, e);
    }
    if (type != null) {
      constructor(setting, c, type);
    }
  }

  /** The class names of a {@code codecs} setting, in order. */
  @SuppressWarnings("unchecked")
  public static List<String> classNames(Setting setting) {
    return (List<String>) setting.value();
  }

  private static List<Ignored> ignored(String t) {
    List<Ignored> all = new ArrayList<>();
    for (String s : t.split("[;,\\s]+")) {
      if (s.isEmpty()) {
        continue;
      }
      Matcher m = Patterns.IGNORED.matcher(s);
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + s + "' is not a parameter such as com.acme.Job#run:logger"
            + " (by name) or com.acme.Job#run:1 (by index, from 0)");
      }
      all.add(new Ignored(m.group(1), m.group(3), m.group(4), ""));
    }
    return all;
  }

  // ---- sources ----

  /**
   * One source: its raw texts, how a key is named in it, and how to say where a value came from.
   * Values are parsed when first asked for, so a bad value is reported only if it would be used.
   */
  private static final class Source {
    final Map<String, String> raw;
    final java.util.function.Function<Key, String> origin;
    final java.util.function.Function<Key, String> name;

    Source(Map<String, String> raw, java.util.function.Function<Key, String> origin,
        java.util.function.Function<Key, String> name) {
      this.raw = raw;
      this.origin = origin;
      this.name = name;
    }

    @Nullable Setting setting(Key k) {
      String text = raw.get(name.apply(k));
      if (text == null) {
        return null;
      }
      String where = origin.apply(k) + displayed(k, text);
      try {
        return new Setting(k, parse(k, text), where);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("MemoCache: " + where + ": " + e.getMessage(), e);
      }
    }
  }

  private static Source file(Path file, String namedBy) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("MemoCache: cannot read the configuration file " + file + " (" + namedBy
          + "): " + IoFailures.describe(e), e);
    }
    return fileSource(file.toString(), text, false);
  }

  private static Source resource(URL url) {
    String where = url.getProtocol().equals("file") ? fileName(url) : url.toString();
    try (InputStream in = url.openStream()) {
      return fileSource(where, new String(in.readAllBytes(), StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new IllegalArgumentException("MemoCache: cannot read " + where + ": " + IoFailures.describe(e), e);
    }
  }

  private static String fileName(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (Exception e) {
      return url.toString();
    }
  }

  /** A properties file: keys written bare ({@code memory}) or as properties ({@code memocache.memory}). */
  private static Source fileSource(String where, String text, boolean onClassPath) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("MemoCache: cannot read " + where + ": " + e.getMessage(), e);
    }
    Map<String, Integer> lines = lineNumbers(text);
    Map<String, String> raw = new HashMap<>();
    for (String k : p.stringPropertyNames()) {
      String key = k.startsWith(PREFIX) ? k.substring(PREFIX.length()) : k;
      Key known = Key.of(key);
      if (known == Key.CONFIG) {
        throw new IllegalArgumentException("MemoCache: " + where + ":" + lines.getOrDefault(k, 0)
            + ": a configuration file cannot name another one (" + k + "=" + p.getProperty(k) + ")");
      }
      if (known == null && !(AGENT_ONLY.contains(key) && !onClassPath)) {
        String at = where + ":" + lines.getOrDefault(k, 0);
        Warnings.once("setting:" + at, () -> "MemoCache: " + at + ": unknown key '" + k + "'" + suggestion(key, false)
            + (AGENT_ONLY.contains(key) ? "; agent options such as '" + key + "' are read from the agent's"
            + " command line and the file named by config= or MEMOCACHE_CONFIG" : ""));
        continue;
      }
      raw.put(key, p.getProperty(k));
    }
    return new Source(raw, k -> where + ":" + lines.getOrDefault(rawKey(p, k), 0) + " " + k.key() + "=", Key::key);
  }

  private static String rawKey(Properties p, Key k) {
    return p.containsKey(PREFIX + k.key()) && !p.containsKey(k.key()) ? PREFIX + k.key() : k.key();
  }

  /** The line of each key's last occurrence (the one {@link Properties} keeps). */
  private static Map<String, Integer> lineNumbers(String text) {
    Map<String, Integer> lines = new HashMap<>();
    String[] all = text.split("\r\n|\r|\n", -1);
    boolean continued = false;
    for (int i = 0; i < all.length; i++) {
      String line = all[i];
      String stripped = line.strip();
      boolean startsEntry = !continued && !stripped.isEmpty() && !stripped.startsWith("#") && !stripped.startsWith("!");
      if (startsEntry) {
        Matcher m = Patterns.FILE_KEY.matcher(line);
        if (m.find()) {
          lines.put(m.group(1).replaceAll("\\\\(.)", "$1"), i + 1);
        }
      }
      continued = (startsEntry || continued) && endsWithOddBackslashes(line);
    }
    return lines;
  }

  private static boolean endsWithOddBackslashes(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static void warnUnknownProperties(Map<String, String> properties) {
    for (String name : properties.keySet()) {
      if (name.startsWith(PREFIX) && Key.of(name.substring(PREFIX.length())) == null
          && !OTHER_PROPERTIES.contains(name)) {
        Warnings.once("setting:" + name, () -> "MemoCache: unknown system property " + name
            + suggestion(name.substring(PREFIX.length()), true));
      }
    }
  }

  /** {@code ; did you mean memory?}, or the list of keys when none is close. */
  static String suggestion(String unknown, boolean asProperty) {
    Key best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Key k : Key.values()) {
      int d = distance(unknown.toLowerCase(Locale.ROOT), k.key());
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.key().length() / 3)) {
      return "; did you mean " + (asProperty ? best.property() : "'" + best.key() + "'") + "?";
    }
    return "; the keys are " + Arrays.stream(Key.values()).map(Key::key).collect(Collectors.joining(", "));
  }

  /** Levenshtein distance, for suggesting the key a typo meant. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Map<String, String> properties() {
    Map<String, String> m = new LinkedHashMap<>();
    Properties p = System.getProperties();
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(PREFIX)) {
        m.put(name, p.getProperty(name));
      }
    }
    return m;
  }

  private static @Nullable ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : Objects.requireNonNullElse(Settings.class.getClassLoader(), ClassLoader.getSystemClassLoader());
  }
}
