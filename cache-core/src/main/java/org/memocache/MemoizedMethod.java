package org.memocache;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.memocache.internal.CallerPackages;
import org.memocache.internal.MethodSpec;
import org.memocache.internal.WovenMethods;
import org.memocache.partial.PartialResult;
import org.memocache.partial.Progress;
import org.memocache.view.ArrayView;
import org.memocache.view.DoubleView;
import org.memocache.view.ResultViews;

/**
 * One memoized method of a {@link Memo}, addressed without calling it: look up, inspect, view and
 * delete its stored results. From {@link Memo#method(String)} for a programmatic name,
 * {@link Memo#method(Class, String, Class...)} or {@link Memo#method(Method)} for a woven
 * ({@code @Memoize} or agent-memoized) method.
 *
 * <pre>{@code
 * MemoizedMethod fit = memo.method(Fit.class, "fit", int.class, long.class);
 * Optional<CachedResult<double[]>> r = fit.lookup(1000, 7L);       // never computes
 * fit.entries().forEach(System.out::println);
 * MemoizedMethod svd = memo.method(Matrix.class, "svd").bind(matrix);   // receiver in the key
 * }</pre>
 *
 * <p><b>Identity of a woven method.</b> The key of a woven method includes a fingerprint of its
 * bytecode, computed when it is woven. If the method has been called in this JVM, the identity the
 * woven code resolved is used, exactly. Otherwise (another process stored the results, or this JVM
 * did not call the method yet) the fingerprint is taken from the identities stored in the cache
 * directory: among those with the method's cache name, descriptor and version, the one whose
 * results (or recorded progress) were written most recently, that is, the code that ran last. With fingerprints off
 * ({@code @Memoize(codeFingerprint = false)} or {@code Memo.builder().codeFingerprint(false)}) the
 * identity needs no resolving. {@link #identity()} says which identity is used.
 *
 * <p>A MemoizedMethod is immutable and thread-safe; {@link #bind} returns a new one.
 */
public final class MemoizedMethod {
  private final Memo memo;
  private final Engine engine;
  private final String name;
  /** The programmatic spec; {@code null} for a woven method. */
  private final @Nullable MethodSpec programmatic;
  /** The woven method and its settings; {@code null} for a programmatic name. */
  private final @Nullable Method target;
  private final @Nullable MemoizeSettings settings;
  private final @Nullable Object receiver;
  /** A woven method's spec resolved from stored identities; shared by bound copies. */
  private final Resolved resolved;

  private MemoizedMethod(Memo memo, String name, @Nullable MethodSpec programmatic, @Nullable Method target,
      @Nullable MemoizeSettings settings, @Nullable Object receiver, Resolved resolved) {
    this.memo = memo;
    this.engine = memo.engine();
    this.name = name;
    this.programmatic = programmatic;
    this.target = target;
    this.settings = settings;
    this.receiver = receiver;
    this.resolved = resolved;
  }

  static MemoizedMethod programmatic(Memo memo, MethodSpec spec) {
    return new MemoizedMethod(memo, spec.id().name(), spec, null, null, null, new Resolved());
  }

  static MemoizedMethod woven(Memo memo, Method target, MemoizeSettings settings) {
    String name = WovenMethods.spec(target, settings, 0L, memo.config()).id().name();
    return new MemoizedMethod(memo, name, null, target, settings, null, new Resolved());
  }

  /** The cache name: the programmatic name, or {@code com.acme.Fit#fit} (or the {@code @Memoize(name)}). */
  public String name() {
    return name;
  }

  /**
   * The identity keys are computed with: empty for a woven method that was neither called in this
   * JVM nor has stored results (then nothing can be found, and lookups are empty).
   */
  public Optional<MethodId> identity() {
    return spec().map(MethodSpec::id);
  }

  /**
   * This method with {@code receiver} as {@code this}: needed for instance methods whose receiver's
   * state is part of the key (not {@code stateless}).
   */
  public MemoizedMethod bind(Object receiver) {
    Objects.requireNonNull(receiver, "receiver");
    if (target == null) {
      throw new IllegalStateException(name + " is a programmatic name: it has no receiver to bind");
    }
    if (Modifier.isStatic(target.getModifiers())) {
      throw new IllegalStateException(this + " is static: it has no receiver to bind");
    }
    if (!target.getDeclaringClass().isInstance(receiver)) {
      throw new IllegalArgumentException("cannot bind a " + receiver.getClass().getName() + " to " + this);
    }
    return new MemoizedMethod(memo, name, null, target, settings, receiver, resolved);
  }

  /**
   * The stored result of the call with these arguments, if any tier has it; never computes.
   *
   * @throws IllegalArgumentException if the arguments do not match the method's parameters
   * @throws IllegalStateException for an instance method whose receiver is in the key, unbound
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<CachedResult<T>> lookup(@Nullable Object... args) {
    Optional<MethodSpec> spec = spec();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    return engine.lookup(spec.get(), self(spec.get()), check(spec.get(), args)).map(r -> (CachedResult<T>) r);
  }

  /**
   * The metadata of the stored result of the call with these arguments (its size, when and how fast
   * it was computed, where it is), if any tier has it; never computes. Unlike {@link #lookup}, the
   * value is not read: the disk tier reads the entry's header, so asking about a gigabyte result
   * costs what asking about a number does. A result found here may still turn out unusable when it is
   * read (damaged, or written for another definition of a class it holds).
   *
   * @throws IllegalArgumentException if the arguments do not match the method's parameters
   * @throws IllegalStateException for an instance method whose receiver is in the key, unbound
   */
  public Optional<EntryInfo> info(@Nullable Object... args) {
    Optional<MethodSpec> spec = spec();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    return engine.info(spec.get(), self(spec.get()), check(spec.get(), args));
  }

  /**
   * Whether a usable result of the call with these arguments is stored; never computes. Reads the
   * value as {@link #lookup} does (a damaged or foreign entry is no result); {@link #info} answers
   * from the entry's header alone.
   */
  public boolean contains(@Nullable Object... args) {
    return lookup(args).isPresent();
  }

  /** The 128-bit key of the call with these arguments; empty when the identity is unresolved. */
  public Optional<CacheKey> keyOf(@Nullable Object... args) {
    return spec().map(s -> engine.keyOf(s, self(s), check(s, args)));
  }

  /** Removes the stored result of the call with these arguments from every tier. */
  public boolean invalidate(@Nullable Object... args) {
    Optional<MethodSpec> spec = spec();
    return spec.isPresent() && engine.invalidate(spec.get(), self(spec.get()), check(spec.get(), args));
  }

  /**
   * Stores {@code value} as the result of the call with these arguments in every tier, replacing any
   * stored result, without computing: for a result computed elsewhere, such as a framework's explicit
   * cache put. Like a computed result it is stored only if the classes it holds are admitted. A
   * concurrent computation of the same call, here or in another process, may still replace it when it
   * finishes.
   *
   * @return whether every tier below memory stored it ({@code true} for a memory-only Memo)
   * @throws MemoKeyException when an argument cannot be part of a key
   * @throws IllegalStateException for a woven method whose identity is unresolved (see {@link #identity()})
   */
  public boolean put(@Nullable Object value, @Nullable Object... args) {
    MethodSpec spec = spec().orElseThrow(() -> new IllegalStateException(
        this + " has no identity yet (not called in this JVM and nothing stored): nothing to store under"));
    return engine.put(spec, self(spec), check(spec, args), value);
  }

  /**
   * Admits classes of these packages (and their subpackages) when storing and decoding results of this
   * programmatic name, as a call admits the package of the code that passed its lambda: for code that
   * calls on behalf of other code, such as a framework's cache adapter. Returns this handle.
   *
   * @throws IllegalArgumentException if a package is not a package name
   * @throws IllegalStateException for a woven method, whose admission is the Memo's allow-list
   */
  public MemoizedMethod allowPackages(String... packages) {
    if (programmatic == null) {
      throw new IllegalStateException(this + " is woven: admit packages with Memo.builder().allowPackages");
    }
    for (String p : packages) {
      Objects.requireNonNull(p, "package");
      if (!p.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*")) {
        throw new IllegalArgumentException("not a package name: '" + p + "'");
      }
      ((CallerPackages) programmatic.classes()).add(p);
    }
    return this;
  }

  /**
   * Metadata of every stored result under this method's cache name (all versions and fingerprints),
   * without loading them. Walks the disk tier: not a constant-time operation.
   */
  public List<EntryInfo> entries() {
    return engine.entries(name);
  }

  /** Per-identity statistics (version, fingerprint) of what is stored under this cache name. */
  public List<MethodStats> stats() {
    return engine.methods(name);
  }

  /** Removes every stored result under this method's cache name; returns how many lower-tier entries. */
  public long clear() {
    return engine.clear(name);
  }

  /**
   * A memory-mapped view of the stored array result of the call with these arguments; see
   * {@link ArrayView}. Empty when no tier that can map entries holds it.
   *
   * @throws IllegalArgumentException if the stored result is not a primitive array
   * @throws IllegalStateException if the Memo is memory-only (only stored results can be mapped)
   */
  public Optional<ArrayView> view(@Nullable Object... args) {
    Memo.requireLowerTiers(engine);
    Optional<MethodSpec> spec = spec();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    return engine.view(spec.get(), self(spec.get()), check(spec.get(), args));
  }

  /**
   * {@link #view} as the typed view {@code type}, such as {@link DoubleView}{@code .class} for a
   * stored {@code double[]} or {@code double[][]}:
   *
   * <pre>{@code
   * DoubleView v = memo.method("simulate").view(DoubleView.class, n, seed).orElseThrow();
   * }</pre>
   *
   * @throws IllegalStateException if the stored array's elements are not those of {@code type}
   */
  public <V extends ArrayView> Optional<V> view(Class<V> type, @Nullable Object... args) {
    Objects.requireNonNull(type, "type");
    return view(args).map(v -> v.as(type));
  }

  /**
   * Memory-mapped views, by path, of the primitive arrays inside the stored result of the call with
   * these arguments (a record's or a matrix class's arrays, a map's values); see {@link ResultViews}.
   * Opening reads the stored object graph, not its big arrays. Empty when no tier that can map
   * entries holds the result, or when this program cannot read it (then a lookup misses too).
   *
   * <pre>{@code
   * DoubleView x = memo.method("load").views(path).orElseThrow().doubles("x");
   * }</pre>
   *
   * @throws IllegalArgumentException if the arguments do not match the method's parameters, or the
   *     result was stored by a codec of the user's
   */
  public Optional<ResultViews> views(@Nullable Object... args) {
    Memo.requireLowerTiers(engine);
    Optional<MethodSpec> spec = spec();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    return engine.views(spec.get(), self(spec.get()), check(spec.get(), args));
  }

  /** {@link #view} of a stored {@code float[]} or {@code float[][]}. */
  /** {@link #view} of a stored {@code int[]} or {@code int[][]}. */
  /** {@link #view} of a stored {@code char[]} or {@code char[][]}. */
  /** {@link #view} of a stored {@code boolean[]} or {@code boolean[][]}. */
  /**
   * The progress recorded so far by the progressive call with these arguments (see
   * {@link Progress}), while it runs or after it died; empty when none is stored (it has not
   * started, or it completed: then {@link #lookup} has its result).
   */
  @SuppressWarnings("unchecked")
  public <S, C> Optional<PartialResult<S, C>> partial(@Nullable Object... args) {
    Optional<MethodSpec> spec = spec();
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    return engine.partial(spec.get(), self(spec.get()), check(spec.get(), args)).map(p -> (PartialResult<S, C>) p);
  }

  // ---- resolution ----

  private Optional<MethodSpec> spec() {
    if (programmatic != null) {
      return Optional.of(programmatic);
    }
    Method m = Objects.requireNonNull(target);
    MemoizeSettings s = Objects.requireNonNull(settings);
    MethodSpec live = WovenMethods.live(m);
    if (live != null) {
      return Optional.of(live);
    }
    MethodSpec r = resolved.spec;
    if (r != null) {
      return Optional.of(r);
    }
    if (!WovenMethods.fingerprinted(m, memo.config())) {
      r = WovenMethods.spec(m, s, 0L, memo.config());
    } else {
      MethodId want = WovenMethods.spec(m, s, 0L, memo.config()).id();
      MethodId newest = null;
      for (MethodId id : engine.identities(want.name())) {
        if (id.descriptor().equals(want.descriptor()) && id.version() == want.version()) {
          newest = id;
          break;
        }
      }
      if (newest == null) {
        return Optional.empty();
      }
      r = WovenMethods.spec(m, s, newest.codeFingerprint(), memo.config());
    }
    resolved.spec = r;
    return Optional.of(r);
  }

  private @Nullable Object self(MethodSpec spec) {
    if (spec.receiverInKey() && receiver == null && target != null && !Modifier.isStatic(target.getModifiers())) {
      throw new IllegalStateException(this + " is an instance method whose receiver's state is part of the"
          + " key: address a call with method(...).bind(receiver), or declare it stateless");
    }
    return receiver;
  }

  private @Nullable Object[] check(MethodSpec spec, @Nullable Object[] args) {
    Memo.keyArgs(name, args);
    if (target != null && args.length != target.getParameterCount()) {
      throw new IllegalArgumentException(this + " takes " + target.getParameterCount() + " arguments, not "
          + args.length + (spec.progressParameter() >= 0 ? " (pass anything, such as null, for its Progress)" : ""));
    }
    return args;
  }

  /** {@code com.acme.Fit#fit(int,long)} for a woven method, the name for a programmatic one. */
  @Override
  public String toString() {
    if (target == null) {
      return name;
    }
    return target.getDeclaringClass().getName() + "#" + target.getName() + Stream.of(target.getParameterTypes())
        .map(Class::getTypeName).collect(Collectors.joining(",", "(", ")"));
  }

  /** The lazily resolved spec of a woven method, shared with bound copies. */
  private static final class Resolved {
    volatile @Nullable MethodSpec spec;
  }
}
