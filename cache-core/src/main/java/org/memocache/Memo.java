package org.memocache;

import static org.memocache.internal.Arguments.requireArgument;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.CallerPackages;
import org.memocache.internal.Config;
import org.memocache.internal.IoFailures;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.Settings;
import org.memocache.internal.WarmUp;
import org.memocache.internal.Warnings;
import org.memocache.internal.WovenMethods;
import org.memocache.internal.codec.AllowLists;
import org.memocache.internal.codec.Codecs;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.partial.Progress;
import org.memocache.partial.Progressive;
import org.memocache.spi.ClassFilter;
import org.memocache.spi.KeyEncoder;
import org.memocache.spi.Tier;
import org.memocache.spi.TierContext;
import org.memocache.spi.TierProvider;
import org.memocache.spi.ValueCodec;
import org.memocache.view.ArrayView;

/**
 * A memoizing cache: each distinct call is computed once, across threads, runs and processes sharing
 * a cache directory, then served from memory or disk.
 *
 * <pre>{@code
 * Memo memo = Memo.builder().directory(Path.of("/data/cache")).build();
 * double[] r = memo.call("simulate", () -> simulate(n, seed), n, seed);
 * Optional<CachedResult<double[]>> hit = memo.method("simulate").lookup(n, seed);   // never computes
 * }</pre>
 *
 * <p>Stored results are read, viewed and removed without computing through the method handle
 * {@link #method(String)} ({@link MemoizedMethod#lookup}, {@link MemoizedMethod#view}, {@link MemoizedMethod#partial}, ...).
 *
 * <p>A result is identified by the name, the key arguments (hashed by value: see {@link KeyEncoder}
 * for the rules) and, for programmatic calls, nothing else: the supplier is not part of the key, so
 * two calls with the same name and arguments must compute the same thing. Put a version in the name
 * ({@code "simulate-v2"}) to invalidate old results when the computation changes.
 *
 * <p>Results of programmatic calls are decoded from disk only into JDK value types, classes in the
 * package (and subpackages) of the code that called {@link #call}, {@link #progressive}
 * or {@link #method(String)} with that name, and packages admitted with
 * {@link Builder#allowPackages}. A Memo is thread-safe; build one per cache directory and share it.
 */
public final class Memo implements AutoCloseable {

  /**
   * The longest call name accepted, in characters: longer names are refused where they are given
   * ({@link #call}, {@link #method(String)}, {@link Builder#shareResults}).
   */
  public static final int MAX_NAME_LENGTH = 1000;

  /**
   * A lock rather than a monitor: building the default Memo opens its disk tier, and a virtual thread
   * blocked on a monitor pins its carrier on JDK 21 to 23.
   */
  private static final ReentrantLock DEFAULT_LOCK = new ReentrantLock();
  private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static volatile @Nullable Memo defaultMemo;

  private final MemoConfig config;
  private final Engine engine;
  private final KeyEncoders encoders;
  private final Set<String> sharedNames;
  private final ConcurrentHashMap<String, MethodSpec> named = new ConcurrentHashMap<>();
  // A fresh String instance: no caller can pass this exact reference.
  private volatile Named lastNamed = new Named(new String("-"), null);

  private Memo(MemoConfig config, Engine engine, KeyEncoders encoders, Set<String> sharedNames) {
    this.config = config;
    this.engine = engine;
    this.encoders = encoders;
    this.sharedNames = sharedNames;
  }

  /** A builder; every setter validates its argument at the call. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The process-wide default Memo, built on first use from the configuration (system properties
   * {@code memocache.*}, environment variables {@code MEMOCACHE_*}, {@code memocache.properties} and
   * the agent's options; see the guide): the disk tier at the configured {@code dir}, else at
   * {@code ~/.cache/memocache} (when {@code cache-disk} is on the class path). Woven code uses it
   * too. A directory that cannot be used leaves it memory-only, with one warning.
   *
   * @throws IllegalArgumentException naming the key, where it was set and the value, when a
   *     configured value is bad
   */
  public static Memo defaultMemo() {
    Memo m = defaultMemo;
    if (m == null) {
      DEFAULT_LOCK.lock();
      try {
        m = defaultMemo;
        if (m == null) {
          m = builder().build();
          defaultMemo = m;
        }
      } finally {
        DEFAULT_LOCK.unlock();
      }
    }
    return m;
  }

  /** This Memo's immutable configuration. */
  public MemoConfig config() {
    return config;
  }

  /**
   * Returns the result of {@code compute} for the call named {@code name} with these key
   * arguments, computing it only if no tier has it. Concurrent callers of the same key wait for the
   * one computing it (in this JVM, and, with a disk tier, in other processes too).
   *
   * <p>A thread that finds the same key being computed by another thread of this JVM waits for it
   * at most {@link MemoConfig#lockTimeout()} (as for another process), then computes it itself; if
   * that computation throws, the waiting threads throw the same exception instead of computing again.
   *
   * @throws MemoKeyException when an argument cannot be part of a key, or another thread changes
   *     one while it is hashed (naming it)
   * @throws IllegalArgumentException when {@code keyArgs} is a {@code null} array (ambiguous: pass
   *     no arguments, or {@code (Object) null} for one {@code null} argument), or {@code name} is
   *     blank or longer than {@link #MAX_NAME_LENGTH}
   * @throws IllegalStateException when the same call is made again, recursively, while it is being
   *     computed on this thread
   */
  @SuppressWarnings({"unchecked", "NullAway"}) // T admits null: a computation may return null
  public <T extends @Nullable Object> T call(String name, Supplier<? extends T> compute, @Nullable Object... keyArgs) {
    Objects.requireNonNull(compute, "compute");
    MethodSpec spec = programmatic(name, compute.getClass());
    return (T) engine.call(spec, null, keyArgs(name, keyArgs), compute);
  }

  /**
   * The asynchronous {@link #call}: returns a future of the result of the stage {@code compute}
   * returns, computing it only if no tier has it, without blocking the calling thread.
   *
   * <p>A memory hit returns an already completed future, on the calling thread. While the stage of
   * a key is running in this JVM, every caller of that key gets the same future (and {@code compute}
   * is not called again); cancelling it cancels it for all of them. Everything that may block (the
   * disk read, the wait for another process computing the key, {@code compute} itself, and storing
   * the value) runs on the {@linkplain Builder#asyncExecutor async executor}, never on the calling
   * thread nor on the thread that completes the stage. A value the stage completes with is stored
   * like any result, and a later run gets it as a completed future; a stage that fails or is
   * cancelled is not kept, and the next call computes again. Until the stage completes, the key's
   * lock is held: other processes wait for it at most {@link MemoConfig#lockTimeout()}, then compute
   * it themselves.
   *
   * <p>Use one name either with {@code call} or with {@code callAsync}. A memoizing
   * {@code Function<A, CompletableFuture<R>>} is {@code a -> memo.callAsync(name, () -> fn.apply(a), a)}.
   *
   * @throws MemoKeyException when an argument cannot be part of a key
   * @throws IllegalArgumentException as {@link #call}
   */
  public <T> CompletableFuture<T> callAsync(String name, Supplier<? extends CompletionStage<T>> compute,
      @Nullable Object... keyArgs) {
    Objects.requireNonNull(compute, "compute");
    MethodSpec spec = programmatic(name, compute.getClass());
    return engine.futures().call(spec, keyArgs(name, keyArgs), compute);
  }

  /**
   * A memoizing view of {@code fn}: the argument is the key.
   *
   * <p>Results of the returned function are stored under {@code name}.
   */
  public <A, R> Function<A, R> function(String name, Function<? super A, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    programmatic(name, fn.getClass());
    return a -> call(name, () -> fn.apply(a), a);
  }

  /** A memoizing view of {@code fn}: both arguments are the key. */
  public <A, B, R> BiFunction<A, B, R> function(String name, BiFunction<? super A, ? super B, ? extends R> fn) {
    Objects.requireNonNull(fn, "fn");
    programmatic(name, fn.getClass());
    return (a, b) -> call(name, () -> fn.apply(a, b), a, b);
  }

  /**
   * Removes every stored result of every method from every tier; returns how many entries of the
   * lower tiers were removed. {@code method(name).clear()} removes those of one method.
   */
  public long clearAll() {
    return engine.clear(null);
  }

  /**
   * Metadata of every stored result, without loading them ({@code method(name).entries()}: of one
   * method). Walks the disk tier's storage: not a constant-time operation.
   */
  public List<EntryInfo> entries() {
    return engine.entries(null);
  }

  // ---- stored results, addressed by method or key ----

  /**
   * The method stored under the programmatic name {@code name}, to look up, view and delete its
   * results without calling it. A name of the form {@code com.acme.Fit#fit} whose class can be
   * loaded and declares exactly one memoized method of that name addresses that woven method (as
   * {@link #method(Method)}); use {@link #method(Class, String, Class...)} for overloads and for
   * methods with a {@code @Memoize(name)}.
   */
  public MemoizedMethod method(String name) {
    checkName(name);
    Method woven = wovenByName(name);
    if (woven != null) {
      return method(woven);
    }
    return MemoizedMethod.programmatic(this, programmatic(name, CALLER.getCallerClass()));
  }

  /**
   * The woven method {@code owner.name(parameterTypes)}: annotated {@code @Memoize}, or memoized by
   * the agent's {@code methods=} option in this JVM.
   *
   * @throws IllegalArgumentException if there is no such method, or it is not memoized
   */
  public MemoizedMethod method(Class<?> owner, String name, Class<?>... parameterTypes) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(name, "name");
    try {
      return method(owner.getDeclaredMethod(name, parameterTypes));
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(owner.getName() + " declares no method " + name
          + java.util.Arrays.stream(parameterTypes).map(Class::getTypeName)
              .collect(java.util.stream.Collectors.joining(",", "(", ")")), e);
    }
  }

  /**
   * The woven method {@code method}: annotated {@code @Memoize}, or memoized by the agent's
   * {@code methods=} option in this JVM. For a method memoized by the agent of another process, pass
   * its settings with {@link #method(Method, MemoizeSettings)}.
   *
   * @throws IllegalArgumentException if it is not memoized
   */
  public MemoizedMethod method(Method method) {
    Objects.requireNonNull(method, "method");
    MemoizeSettings settings = WovenMethods.settingsOf(method);
    if (settings == null) {
      throw new IllegalArgumentException(method.getDeclaringClass().getName() + "#" + method.getName()
          + " is not memoized: it is not annotated @Memoize and the agent was not told to memoize it in this JVM;"
          + " pass the agent's settings with method(Method, MemoizeSettings)");
    }
    return MemoizedMethod.woven(this, method, settings);
  }

  /** The method {@code method}, memoized with {@code settings} (as the agent's options gave them). */
  public MemoizedMethod method(Method method, MemoizeSettings settings) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(settings, "settings");
    return MemoizedMethod.woven(this, method, settings);
  }

  private static @Nullable Method wovenByName(String name) {
    int hash = name.indexOf('#');
    if (hash <= 0 || hash == name.length() - 1) {
      return null;
    }
    String owner = name.substring(0, hash);
    String method = name.substring(hash + 1);
    Class<?> c = null;
    for (ClassLoader l : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), Memo.class.getClassLoader()}) {
      if (l != null && c == null) {
        try {
          c = Class.forName(owner, false, l);
        } catch (ClassNotFoundException | LinkageError e) {
          // not loadable here: a programmatic name, or a class of another process
        }
      }
    }
    if (c == null) {
      return null;
    }
    List<Method> memoized = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(method) && !m.isSynthetic() && WovenMethods.settingsOf(m) != null) {
        memoized.add(m);
      }
    }
    if (memoized.size() > 1) {
      throw new IllegalArgumentException(name + " names " + memoized.size() + " memoized overloads; choose one with"
          + " method(" + c.getSimpleName() + ".class, \"" + method + "\", parameter types...)");
    }
    return memoized.isEmpty() ? null : memoized.get(0);
  }

  /**
   * What the lower tiers store per method identity: entries, bytes, hits, time saved. Walks the
   * disk tier's storage: not a constant-time operation.
   */
  public List<MethodStats> methods() {
    return engine.methods(null);
  }

  /**
   * The stored result whose 32-hex-digit key is {@code keyHex} (as the CLI and {@link EntryInfo#key()}
   * show it), of any method; never computes. Decodes only classes admitted for programmatic calls
   * of the calling code (see the class Javadoc).
   *
   * @throws IllegalArgumentException if {@code keyHex} is not 32 hex digits
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<CachedResult<T>> lookupKey(String keyHex) {
    Optional<CacheKey> key = engine.findKey(checkHex(keyHex));
    if (key.isEmpty()) {
      return Optional.empty();
    }
    CallerPackages classes = new CallerPackages(AllowLists.forMethod(null, config.allowedPackages()));
    classes.add(CALLER.getCallerClass().getPackageName());
    MethodSpec known = named.get(key.get().method().name());
    ClassFilter filter = known == null ? classes : c -> known.classes().admits(c) || classes.admits(c);
    return engine.lookupKey(key.get(), filter).map(r -> (CachedResult<T>) r);
  }

  /**
   * A memory-mapped view of the stored array result whose key is {@code keyHex}; see
   * {@link MemoizedMethod#view}.
   */
  public Optional<ArrayView> viewKey(String keyHex) {
    requireLowerTiers(engine);
    Optional<CacheKey> key = engine.findKey(checkHex(keyHex));
    return key.flatMap(k -> engine.view(k, null, k.method().name() + "/" + keyHex));
  }

  private static String checkHex(String keyHex) {
    Objects.requireNonNull(keyHex, "keyHex");
    if (!keyHex.matches("[0-9a-fA-F]{32}")) {
      throw new IllegalArgumentException("a cache key is 32 hex digits, not '" + keyHex + "'");
    }
    return keyHex.toLowerCase(java.util.Locale.ROOT);
  }

  static void requireLowerTiers(Engine engine) {
    if (engine.tiers().isEmpty()) {
      throw new IllegalStateException("views map stored results, and this Memo is memory-only: build it with"
          + " a directory, or use lookup");
    }
  }

  /**
   * Returns the result of a long computation that records its progress (see {@link Progress}),
   * computing it only if no tier has it. If an earlier run of this call died, {@code body} is given
   * the chunks and checkpoint it recorded and continues from there; other processes can read the
   * finished chunks meanwhile ({@link MemoizedMethod#partial}). When {@code body} returns, its result is stored like
   * any other and the recorded progress is deleted; when it throws, the progress is kept for the
   * next call.
   *
   * <pre>{@code
   * double[] r = memo.progressive("sweep", (Progress<Integer, double[]> p) -> { ... }, n, seed);
   * }</pre>
   *
   * @throws MemoKeyException when an argument cannot be part of a key
   */
  @SuppressWarnings({"unchecked", "NullAway"}) // R admits null, as for call
  public <S, C, R extends @Nullable Object> R progressive(String name, Progressive<S, C, R> body, @Nullable Object... keyArgs) {
    Objects.requireNonNull(body, "body");
    MethodSpec spec = programmatic(name, body.getClass());
    return (R) engine.progressive(spec, keyArgs(name, keyArgs), body);
  }

  /** A snapshot of the counters. */
  public MemoStats stats() {
    return engine.stats();
  }

  /** The tiers below memory, in lookup order. */
  public List<Tier> tiers() {
    return engine.tiers();
  }

  /**
   * Closes the lower tiers (files, background maintenance), after waiting (at most 10 seconds) for the
   * values of futures that have completed to be stored. The memory tier is dropped.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "Memo[" + (config.directory() == null ? "memory only" : config.directory()) + "]";
  }

  // ---- for MemoRuntime and MemoizedMethod (same package) ----

  Engine engine() {
    return engine;
  }

  KeyEncoders encoders() {
    return encoders;
  }

  private MethodSpec programmatic(String name, @Nullable Class<?> caller) {
    Objects.requireNonNull(name, "name");
    Named last = lastNamed;
    MethodSpec lastSpec = last.spec;
    if (last.name == name && lastSpec != null) {
      // The same call site again (a string literal is the same instance): skip the map.
      if (caller != null) {
        ((CallerPackages) lastSpec.classes()).addCallerOf(caller);
      }
      return lastSpec;
    }
    MethodSpec spec = named.get(name);
    if (spec == null) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("a memoized call needs a non-blank name");
      }
      checkName(name);
      // Made before it is known to be needed, rather than in a computeIfAbsent lambda: a first call
      // in a fresh JVM would link that lambda, and a race for a new name only makes one spec too many.
      MethodSpec made = MethodSpec.programmatic(MethodId.of(name, 0),
          new CallerPackages(AllowLists.forMethod(null, config.allowedPackages())));
      if (sharedNames.contains(name)) {
        made = made.sharingResults();
      }
      MethodSpec raced = named.putIfAbsent(name, made);
      spec = raced != null ? raced : made;
    }
    if (caller != null) {
      ((CallerPackages) spec.classes()).addCallerOf(caller);
    }
    lastNamed = new Named(name, spec);
    return spec;
  }

  /**
   * The key arguments of a call, refusing a {@code null} array: {@code call(name, compute, null)}
   * could mean no arguments or one {@code null} argument, and the two are different keys.
   */
  static @Nullable Object[] keyArgs(String name, @Nullable Object @Nullable [] keyArgs) {
    if (keyArgs == null) {
      throw new IllegalArgumentException("memoized call " + shortName(name) + ": the key arguments are a null"
          + " array; pass no arguments for none, or (Object) null for one null argument");
    }
    return keyArgs;
  }

  /**
   * Refuses a call name longer than {@link #MAX_NAME_LENGTH} characters: names are stored in every
   * entry (with 16-bit lengths) and shown in every message.
   */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("a memoized call name must be at most " + MAX_NAME_LENGTH
          + " characters; " + shortName(name) + " has " + name.length());
    }
    return name;
  }

  /** A name as messages quote it: the first 60 characters of a long one. */
  private static String shortName(String name) {
    return name.length() <= 60 ? '"' + name + '"' : '"' + name.substring(0, 60) + "\u2026\"";
  }

  /** The last name looked up and its spec, read and written as one reference. */
  private record Named(String name, @Nullable MethodSpec spec) {}

  /**
   * Builds a {@link Memo}. Each setter checks its argument and that it was not set before, and names
   * the bad value. What a setter sets wins over the configuration (system properties, environment,
   * {@code memocache.properties}), which in turn wins over the defaults.
   */
  public static final class Builder {
    private static final String DISK_PROVIDER = "org.memocache.disk.DiskTierProvider";

    private @Nullable Path directory;
    private boolean memoryOnly;
    private long maximumMemoryBytes = -1;
    private long maximumDiskBytes = -1;
    private long maximumDiskEntries = -1;
    private @Nullable Duration expireAfter;
    private @Nullable Boolean durable;
    private @Nullable Duration lockTimeout;
    private final List<String> allowedPackages = new ArrayList<>();
    private boolean allowPackagesCalled;
    private @Nullable Boolean codeFingerprint;
    private @Nullable Clock clock;
    private final Map<Class<?>, KeyEncoder<?>> keyEncoders = new LinkedHashMap<>();
    private final List<ValueCodec> codecs = new ArrayList<>();
    private final List<Tier> tiers = new ArrayList<>();
    private final Set<String> sharedNames = new LinkedHashSet<>();
    private @Nullable Executor asyncExecutor;
    private @Nullable URI shared;

    private Builder() {}

    /**
     * The cache directory of the disk tier (created owner-only if missing); {@link #build()} fails
     * if it cannot be used. Without it, the disk tier uses {@link MemoConfig#defaultDirectory()}, and
     * a default directory that cannot be used leaves the Memo memory-only, with a warning.
     *
     * @throws IllegalStateException if a directory was already set, or {@link #memoryOnly()} was
     */
    public Builder directory(Path directory) {
      Objects.requireNonNull(directory, "directory");
      requireState(this.directory == null, "directory was already set to %s", this.directory);
      requireState(!memoryOnly, "memoryOnly() was already called; a directory cannot be set too");
      this.directory = directory;
      return this;
    }

    /** No disk tier: results live in this process's memory only. */
    public Builder memoryOnly() {
      requireState(directory == null, "directory was already set to %s", directory);
      this.memoryOnly = true;
      return this;
    }

    /** Bound of the memory tier in estimated bytes of results; default a quarter of the max heap. */
    public Builder maximumMemoryBytes(long bytes) {
      requireState(maximumMemoryBytes < 0, "maximumMemoryBytes was already set to %s", maximumMemoryBytes);
      requireArgument(bytes >= 0, "maximumMemoryBytes must not be negative, was %s", bytes);
      this.maximumMemoryBytes = bytes;
      return this;
    }

    /** Bound of the disk tier in bytes; the least recently used entries are evicted beyond it. */
    public Builder maximumDiskBytes(long bytes) {
      requireState(maximumDiskBytes < 0, "maximumDiskBytes was already set to %s", maximumDiskBytes);
      requireArgument(bytes > 0, "maximumDiskBytes must be positive, was %s", bytes);
      this.maximumDiskBytes = bytes;
      return this;
    }

    /** Bound of the disk tier in entries. */
    public Builder maximumDiskEntries(long entries) {
      requireState(maximumDiskEntries < 0, "maximumDiskEntries was already set to %s", maximumDiskEntries);
      requireArgument(entries > 0, "maximumDiskEntries must be positive, was %s", entries);
      this.maximumDiskEntries = entries;
      return this;
    }

    /** Maximum age of any stored result; older ones are misses and are evicted. */
    public Builder expireAfter(Duration age) {
      Objects.requireNonNull(age, "age");
      requireState(expireAfter == null, "expireAfter was already set to %s", expireAfter);
      requireArgument(!age.isNegative() && !age.isZero(), "expireAfter must be positive, was %s", age);
      this.expireAfter = age;
      return this;
    }

    /**
     * Whether every entry is fsynced before it is published (default {@code false}). Durable entries
     * survive a power loss, at the cost of one or two fsyncs per stored result; without it a crash of
     * the process (not of the machine) still never leaves a torn entry.
     */
    public Builder durable(boolean durable) {
      requireState(this.durable == null, "durable was already set to %s", this.durable);
      this.durable = durable;
      return this;
    }

    /**
     * How long a caller waits for another process, or another thread of this JVM, computing the
     * same key before computing it itself (default 10 minutes). Results are deterministic and publishing is atomic, so computing
     * twice is safe, only wasteful.
     */
    public Builder lockTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      requireState(lockTimeout == null, "lockTimeout was already set to %s", lockTimeout);
      requireArgument(!timeout.isNegative(), "lockTimeout must not be negative, was %s", timeout);
      this.lockTimeout = timeout;
      return this;
    }

    /**
     * Admits classes of these packages (and their subpackages), or these exact classes, when decoding
     * stored results: for result types of third-party libraries, or of packages other than the
     * caller's. A cache directory is data: nothing else is ever instantiated from it. Pass them all
     * in one call.
     */
    public Builder allowPackages(String... packages) {
      requireState(!allowPackagesCalled, "allowPackages was already called with %s", allowedPackages);
      for (String p : packages) {
        Objects.requireNonNull(p, "package");
        requireArgument(p.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*"),
            "not a package or class name: '%s'", p);
      }
      allowedPackages.addAll(List.of(packages));
      allowPackagesCalled = true;
      return this;
    }

    /**
     * Hands results of the calls named {@code names} (as passed to {@link Memo#call}) to callers
     * without copying: the programmatic {@code @Memoize(shared = true)}. By default a memory hit
     * copies a result that can change (arrays, modifiable collections, objects with mutable
     * fields), so a caller mutating it cannot change later hits; a shared result costs no copy, and
     * its callers promise never to mutate it.
     */
    public Builder shareResults(String... names) {
      for (String n : names) {
        Objects.requireNonNull(n, "name");
        requireArgument(!n.isBlank(), "a call name must not be blank");
        checkName(n);
        sharedNames.add(n);
      }
      return this;
    }

    /** Whether woven methods include a fingerprint of their bytecode in their identity (default on). */
    public Builder codeFingerprint(boolean enabled) {
      requireState(codeFingerprint == null, "codeFingerprint was already set to %s", codeFingerprint);
      this.codeFingerprint = enabled;
      return this;
    }

    /** Encodes arguments of {@code type} (and its subtypes) with {@code encoder}. */
    public <T> Builder keyEncoder(Class<T> type, KeyEncoder<? super T> encoder) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(encoder, "encoder");
      requireState(!keyEncoders.containsKey(type), "a KeyEncoder for %s was already registered", type.getName());
      keyEncoders.put(type, encoder);
      return this;
    }

    /**
     * Adds a value codec, tried before the built-in ones and those of the {@code codecs}
     * configuration key; a configured codec with the same id is left out.
     */
    public Builder codec(ValueCodec codec) {
      Objects.requireNonNull(codec, "codec");
      for (ValueCodec c : codecs) {
        requireState(!c.id().equals(codec.id()), "a codec with id '%s' was already added", codec.id());
      }
      codecs.add(codec);
      return this;
    }

    /**
     * Adds a tier below the disk tier (or below memory, for a memory-only Memo); tiers added later
     * are looked up later. Tier names appear in statistics and must differ.
     *
     * @throws IllegalStateException if this tier, or another with its name, was already added
     */
    public Builder tier(Tier tier) {
      Objects.requireNonNull(tier, "tier");
      for (Tier t : tiers) {
        requireState(t != tier, "the tier %s was already added", tier.name());
        requireState(!t.name().equals(tier.name()), "a tier named '%s' was already added", tier.name());
      }
      tiers.add(tier);
      return this;
    }

    /**
     * A Redis server that many hosts share, as a tier below the disk tier (needs the
     * {@code org.memocache:cache-redis} artifact): each key is computed once across all of them, and
     * a result one host stored is a hit on the others. Large values go to the object store of the
     * {@code blobs} key ({@code MEMOCACHE_BLOBS=s3://bucket/prefix}). Overrides the {@code shared} key
     * of the configuration. A server that cannot be reached costs no failure: the tier warns once
     * per outage, counts what it skipped and tries again later; calls compute locally meanwhile. See
     * {@code docs/shared.md}.
     *
     * @param redis {@code redis://host:6379}, {@code rediss://user:password@host:6380} for TLS and an
     *     ACL user, optionally with a database number ({@code redis://host:6379/2}); the password is
     *     never shown in messages
     * @throws IllegalArgumentException if {@code redis} is not such a URI
     * @throws IllegalStateException if a shared server was already set
     */
    public Builder shared(URI redis) {
      Objects.requireNonNull(redis, "redis");
      requireState(shared == null, "shared was already set to %s", shared == null ? null : Settings.redacted(shared));
      try {
        this.shared = Settings.redisUri(redis.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("shared(" + Settings.redacted(redis) + "): " + e.getMessage(), e);
      }
      return this;
    }

    /**
     * Where the blocking parts of asynchronous calls run: {@link Memo#callAsync}'s disk reads, lock
     * waits and bodies, and the storing of every future's value once it completes (also for woven
     * methods returning a {@code CompletableFuture} or {@code CompletionStage}). Default: a virtual
     * thread per task on JDK 21 and later; on JDK 17, daemon threads made on demand (ending after
     * 30 idle seconds). Tasks may wait for another process computing the same key, so a bounded
     * executor can hold up other keys' reads behind such waits.
     */
    public Builder asyncExecutor(Executor executor) {
      Objects.requireNonNull(executor, "executor");
      requireState(asyncExecutor == null, "asyncExecutor was already set to %s", asyncExecutor);
      this.asyncExecutor = executor;
      return this;
    }

    /** The clock for creation and expiry times (for tests). */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      requireState(this.clock == null, "clock was already set");
      this.clock = clock;
      return this;
    }

    /**
     * Builds the Memo, opening its disk tier. Settings not made on this builder come from the
     * configuration (system properties {@code memocache.*}, environment variables
     * {@code MEMOCACHE_*}, {@code memocache.properties}; see the guide), else from the defaults.
     *
     * <p>A directory set with {@link #directory} must be usable: building fails, naming it and the
     * cause. A configured or default directory that cannot be used (read-only, not a directory, a
     * cache of a newer format, one that another user owns or can write to, see {@code docs/disk.md})
     * leaves this Memo memory-only, with one warning naming the directory
     * and the cause, so a program never fails because of its cache.
     *
     * @throws IllegalArgumentException naming the key, where it was set and the value, when a
     *     configured value is bad
     * @throws IllegalStateException if a directory was set but {@code cache-disk} is not on the class
     *     path, or the directory cannot be used; if {@link #shared} was set but {@code cache-redis}
     *     is not on the class path (a {@code shared} key of the configuration only warns then)
     */
    public Memo build() {
      WarmUp.start(Engine::warmUpFirstCall);
      Settings settings = Settings.load();
      long heapQuarter = Runtime.getRuntime().maxMemory() / 4;
      TierProvider disk = diskProvider();
      Path dir = directory;
      if (dir != null && disk == null) {
        throw new IllegalStateException("directory(" + dir + ") needs the disk tier: add the"
            + " org.memocache:cache-disk artifact to the class path");
      }
      boolean explicit = dir != null;
      if (dir == null && !memoryOnly && disk != null) {
        dir = settings.directory() != null ? settings.directory() : Config.homeDirectory();
      }
      List<String> allow = new ArrayList<>(allowedPackages);
      for (String p : settings.allow()) {
        if (!allow.contains(p)) {
          allow.add(p);
        }
      }
      Config config = new Config(
          dir,
          maximumMemoryBytes >= 0 ? maximumMemoryBytes : or(settings.number(Settings.Key.MEMORY), heapQuarter),
          maximumDiskBytes > 0 ? maximumDiskBytes : or(settings.number(Settings.Key.DISK), Long.MAX_VALUE),
          maximumDiskEntries > 0 ? maximumDiskEntries : or(settings.number(Settings.Key.DISK_ENTRIES), Long.MAX_VALUE),
          expireAfter != null ? expireAfter : settings.duration(Settings.Key.EXPIRE),
          durable != null ? durable : or(settings.bool(Settings.Key.DURABLE), false),
          lockTimeout != null ? lockTimeout : or(settings.duration(Settings.Key.LOCK_TIMEOUT), Duration.ofMinutes(10)),
          allow,
          codeFingerprint != null ? codeFingerprint : or(settings.bool(Settings.Key.FINGERPRINT), true),
          clock != null ? clock : Clock.systemUTC(),
          sharedStore(settings));
      // Classes named in the configuration are checked before the disk tier opens.
      KeyEncoders encoders = new KeyEncoders(configuredKeyEncoders(settings));
      List<ValueCodec> allCodecs = configuredCodecs(settings);
      allCodecs.addAll(Codecs.builtIns());
      List<Tier> lower = new ArrayList<>();
      if (dir != null && disk != null) {
        try {
          lower.add(disk.create(new TierContext(config, allCodecs)));
        } catch (RuntimeException e) {
          String problem = problem(dir, e);
          if (explicit) {
            throw new IllegalStateException("MemoCache: cannot use the cache directory " + problem, e);
          }
          Warnings.once("directory:" + dir, () -> "MemoCache: cannot use the cache directory " + problem
              + "; memoizing in memory only for this run");
          config = config.withoutDirectory();
        }
      }
      Tier remote = sharedTier(config, allCodecs, settings);
      if (remote != null) {
        lower.add(remote);
      }
      lower.addAll(tiers);
      return new Memo(config, new Engine(config, Collections.unmodifiableList(lower), encoders, allCodecs,
          asyncExecutor), encoders,
          Set.copyOf(sharedNames));
    }

    /** The shared tier's server, object store and bounds, or {@code null} when no server is configured. */
    private Config.@Nullable SharedStore sharedStore(Settings settings) {
      URI redis = shared != null ? shared : settings.uri(Settings.Key.SHARED);
      return redis == null ? null : new Config.SharedStore(redis, settings.uri(Settings.Key.BLOBS),
          or(settings.number(Settings.Key.SHARED_BYTES), Long.MAX_VALUE),
          or(settings.number(Settings.Key.SHARED_ENTRIES), Long.MAX_VALUE));
    }

    /**
     * The shared tier when one is configured: a missing module or a tier that cannot be made fails
     * the build when {@link #shared} asked for it, else leaves this Memo without it, with one warning.
     */
    private @Nullable Tier sharedTier(Config config, List<ValueCodec> allCodecs, Settings settings) {
      Config.SharedStore store = config.shared();
      if (store == null) {
        return null;
      }
      URI uri = store.redis();
      String named = shared != null ? "shared(" + Settings.redacted(uri) + ")"
          : Objects.requireNonNull(settings.get(Settings.Key.SHARED)).origin();
      // Only a configured shared tier pays for ServiceLoader's scan of every jar.
      TierProvider provider = loadProvider("shared", Memo.class.getClassLoader());
      if (provider == null) {
        String message = "MemoCache: " + named + " needs the shared tier: add the org.memocache:cache-redis artifact"
            + " to the class path";
        if (shared != null) {
          throw new IllegalStateException(message);
        }
        Warnings.once("shared-missing", () -> message + "; memoizing without it");
        return null;
      }
      try {
        return provider.create(new TierContext(config, allCodecs));
      } catch (RuntimeException e) {
        String message = "MemoCache: cannot use " + named + ": " + e.getMessage();
        if (shared != null) {
          throw new IllegalStateException(message, e);
        }
        Warnings.once("shared-create:" + Settings.redacted(uri), () -> message + "; memoizing without it");
        return null;
      }
    }

    /**
     * The disk tier's provider: {@code cache-disk}'s own, loaded by name through the loader that
     * loaded this class, else the first {@link ServiceLoader} finds for kind {@code disk}.
     * {@code ServiceLoader} reads its file from every jar of the class path; by name, a fresh JVM
     * opens only the jars up to {@code cache-disk}'s.
     */
    private static @Nullable TierProvider diskProvider() {
      ClassLoader loader = Memo.class.getClassLoader();
      try {
        Class<?> type = Class.forName(DISK_PROVIDER, true, loader);
        if (TierProvider.class.isAssignableFrom(type)) {
          return (TierProvider) type.getConstructor().newInstance();
        }
      } catch (ClassNotFoundException e) {
        // Not on the class path under its name: ServiceLoader may know another provider.
      } catch (ReflectiveOperationException | LinkageError e) {
        // Unusable under its name (another loader's copy, a broken jar): as ServiceLoader finds it.
      }
      return loadProvider("disk", loader);
    }

    /** The first provider of tier kind {@code kind} that {@link ServiceLoader} finds, or {@code null}. */
    private static @Nullable TierProvider loadProvider(String kind, ClassLoader loader) {
      for (TierProvider p : ServiceLoader.load(TierProvider.class, loader)) {
        if (p.kind().equals(kind)) {
          return p;
        }
      }
      return null;
    }

    /** This builder's encoders, then those of the {@code key-encoders} key for other types. */
    private Map<Class<?>, KeyEncoder<?>> configuredKeyEncoders(Settings settings) {
      Settings.Setting configured = settings.get(Settings.Key.KEY_ENCODERS);
      if (configured == null) {
        return keyEncoders;
      }
      ClassLoader loader = applicationLoader();
      Map<Class<?>, KeyEncoder<?>> all = new LinkedHashMap<>(keyEncoders);
      @SuppressWarnings("unchecked")
      Map<String, String> names = (Map<String, String>) configured.value();
      for (Map.Entry<String, String> e : names.entrySet()) {
        Class<?> type = Settings.loadClass(configured, e.getKey(), loader);
        KeyEncoder<?> encoder = Settings.instance(configured, e.getValue(), KeyEncoder.class, loader);
        all.putIfAbsent(type, encoder);
      }
      return all;
    }

    /**
     * This builder's codecs, then those of the {@code codecs} key, in order; a configured codec
     * whose id a codec of this builder has is left out (the builder's wins).
     */
    private List<ValueCodec> configuredCodecs(Settings settings) {
      List<ValueCodec> all = new ArrayList<>(codecs);
      Settings.Setting configured = settings.get(Settings.Key.CODECS);
      if (configured == null) {
        return all;
      }
      ClassLoader loader = applicationLoader();
      Map<String, String> classOfId = new HashMap<>();
      for (String name : Settings.classNames(configured)) {
        ValueCodec codec = Settings.instance(configured, name, ValueCodec.class, loader);
        String id = codec.id();
        String other = classOfId.putIfAbsent(id, name);
        if (other != null) {
          throw new IllegalArgumentException("MemoCache: " + configured.origin() + ": " + name + " and " + other
              + " have the same codec id '" + id + "'");
        }
        if (all.stream().noneMatch(c -> c.id().equals(id))) {
          all.add(codec);
        }
      }
      return all;
    }

    /** The loader of the application's classes named in the configuration. */
    private static ClassLoader applicationLoader() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      return loader != null ? loader : Memo.class.getClassLoader();
    }

    private static <T> T or(@Nullable T configured, T fallback) {
      return configured != null ? configured : fallback;
    }

    /** {@code /proc/memocache: read-only file system}: the directory, then why it cannot be used. */
    private static String problem(Path dir, Throwable e) {
      String d = IoFailures.describe(e);
      String abs = dir.toAbsolutePath().toString();
      for (String named : List.of("cache directory " + abs + " ", "cache directory " + dir + " ", abs + " ", dir + " ")) {
        if (d.startsWith(named)) {
          return dir + ": " + d.substring(named.length());
        }
      }
      return d.startsWith(dir.toString()) || d.startsWith(abs) ? d : dir + ": " + d;
    }

    private static void requireState(boolean ok, String template, @Nullable Object... args) {
      if (!ok) {
        throw new IllegalStateException(String.format(template, args));
      }
    }
  }

}
