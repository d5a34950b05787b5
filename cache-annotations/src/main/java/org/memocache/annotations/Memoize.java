package org.memocache.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Memoizes a method: each distinct call (receiver state + arguments) is computed once and then
 * served from memory or from the disk cache, across threads, runs and processes.
 *
 * <p>The annotation does nothing by itself. It takes effect when the class is woven, either at load
 * time by the MemoCache agent ({@code -javaagent:memocache-agent.jar}) or at build time by the
 * MemoCache Byte Buddy plugin. The annotation processor in this module checks every use at compile
 * time (no {@code void} methods, no constructors, no methods without a body, parameter types that
 * can be hashed into a key, no stream-like return types, valid attribute values) and lists the
 * memoized methods in {@code META-INF/memocache/methods} for the agent and the CLI. It runs when
 * this jar is on the compiler's processor path; see {@code docs/annotations.md}.
 *
 * <pre>{@code
 * @Memoize(version = 2, expireAfter = "P30D")
 * double[] simulate(int n, long seed, @Memoize.Ignore ProgressListener progress) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Memoize {

  /**
   * The cache name of the method, shown by the CLI and used by {@code Memo.lookup}; empty means
   * the binary class name and the method name, {@code com.acme.Outer$Inner#method}. Overloads
   * share a name (their descriptors still keep their results apart).
   */
  String name() default "";

  /** Bump to invalidate every result stored by earlier versions of the method; not negative. */
  int version() default 0;

  /** The tiers a result is stored in; the memory tier is always consulted first. */
  Tier[] tiers() default {Tier.MEMORY, Tier.STORED};

  /**
   * Maximum age of a stored result as an ISO-8601 duration ({@code "PT12H"}, {@code "P30D"}), as
   * parsed by {@link java.time.Duration#parse}: days and smaller units, positive. Empty means
   * results never expire by age.
   */
  String expireAfter() default "";

  /**
   * Whether a fingerprint of the method's bytecode is part of its identity, so that editing the
   * method body invalidates its old results. Turn off when the body changes often in ways that do
   * not change results (logging) and you bump {@link #version()} by hand instead.
   */
  boolean codeFingerprint() default true;

  /**
   * Leaves the receiver's state out of the key of an instance method. Use it when the method's
   * result does not depend on the fields of {@code this} (for example a service object holding a
   * time-seeded random generator the method never uses); without it such calls never hit across
   * runs, because the receiver's state differs every run.
   */
  boolean stateless() default false;

  /**
   * Hands the memory tier's own result object to every caller instead of a copy. By default a
   * result that can change (an array, a modifiable collection, an object with mutable fields) is
   * copied on every memory hit, so that a caller mutating it cannot change what later calls get;
   * immutable results (strings, boxes, records of such, {@code List.of(...)}) are never copied. Set
   * this only when no caller ever mutates a result: a hit then costs no copy (for a 16 MB
   * {@code double[]}, milliseconds), but one {@code result[0] = 42} changes every later hit.
   */
  boolean shared() default false;

  /** Storage tiers. */
  enum Tier {
    /** The in-process Caffeine tier. */
    MEMORY,
    /**
     * Every tier below memory: the cache directory shared by processes and runs, and the tiers
     * added with {@code Memo.Builder.tier}.
     */
    STORED,
    /**
     * The former name of {@link #STORED}, with the same meaning: classes compiled against it keep
     * their tiers.
     *
     * @deprecated use {@link #STORED}
     */
    @Deprecated
    DISK
  }

  /**
   * Leaves a parameter out of the key: loggers, progress listeners, thread pools, anything that
   * does not change the result. The compile-time checks skip such a parameter too.
   */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface Ignore {}

  /**
   * Hashes a {@code java.nio.file.Path} or {@code java.io.File} parameter by the file's content
   * instead of by (absolute path, size, modification time); on any other parameter type it is a
   * compile error. This reads the whole file on every call.
   */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface ByContent {}

  /**
   * Declares that the state of instances of this class never affects the results of its memoized
   * methods, so the receiver is left out of their keys (the same as {@link Memoize#stateless()} on
   * every method of the class).
   */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Stateless {}
}
