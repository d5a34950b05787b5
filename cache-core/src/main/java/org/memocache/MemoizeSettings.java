package org.memocache;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.memocache.annotations.Memoize;

/**
 * How a method named to the agent (rather than annotated) is memoized: the same choices as the
 * attributes of {@link Memoize}.
 *
 * @param name the cache name, or {@code ""} for {@code fully.qualified.Class#method}
 * @param version bump to invalidate older results
 * @param stateless whether the receiver's state is left out of the key
 * @param tiers where results are stored
 * @param expireAfter maximum age of a result, or {@code null}
 * @param shared whether memory hits hand out the kept result itself rather than a copy (see
 *     {@link Memoize#shared()})
 */
public record MemoizeSettings(
    String name, int version, boolean stateless, Set<Memoize.Tier> tiers, @Nullable Duration expireAfter,
    boolean shared) {

  public MemoizeSettings {
    Objects.requireNonNull(name, "name");
    tiers = tiers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tiers));
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("a memoized method needs at least one tier");
    }
    if (expireAfter != null && (expireAfter.isNegative() || expireAfter.isZero())) {
      throw new IllegalArgumentException("expireAfter must be positive, not " + expireAfter);
    }
  }

  /** Settings whose results are copied on memory hits (not {@code shared}). */
  public MemoizeSettings(String name, int version, boolean stateless, Set<Memoize.Tier> tiers,
      @Nullable Duration expireAfter) {
    this(name, version, stateless, tiers, expireAfter, false);
  }

  /** Memory and disk, version 0, receiver state in the key, no expiry, results copied on hits. */
  public static MemoizeSettings defaults() {
    return new MemoizeSettings("", 0, false, EnumSet.allOf(Memoize.Tier.class), null, false);
  }

  /** A copy with {@code stateless} set. */
  public MemoizeSettings withStateless(boolean stateless) {
    return new MemoizeSettings(name, version, stateless, tiers, expireAfter, shared);
  }

  /** A copy with {@code shared} set. */
  public MemoizeSettings withShared(boolean shared) {
    return new MemoizeSettings(name, version, stateless, tiers, expireAfter, shared);
  }
}
