package org.memocache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.TimeUnit;
import org.memocache.Memo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A memory hit through {@link Memo#call} with two small arguments, against the floor: a raw
 * Caffeine {@code getIfPresent} on an equivalent record key. The result is a small {@code double[]}:
 * by default each hit hands out a copy of it; {@code memoCallHitShared} is the same hit with the
 * result shared ({@code shareResults}), as every hit was before copies.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MemoryHitBenchmark {
  record Key(int n, long seed) {}

  Cache<Key, double[]> caffeine;
  Memo memo;
  Memo sharing;
  int n = 1000;
  long seed = 42;
  final double[] result = {1, 2, 3};

  @Setup(Level.Trial)
  public void setUp() {
    caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
    caffeine.put(new Key(n, seed), result);
    memo = Memo.builder().memoryOnly().build();
    memo.call("simulate", () -> result, n, seed);
    sharing = Memo.builder().memoryOnly().shareResults("simulate").build();
    sharing.call("simulate", () -> result, n, seed);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memo.close();
    sharing.close();
  }

  @Benchmark
  public double[] rawCaffeineGetIfPresent() {
    return caffeine.getIfPresent(new Key(n, seed));
  }

  @Benchmark
  public double[] memoCallHit() {
    return memo.call("simulate", () -> result, n, seed);
  }

  @Benchmark
  public double[] memoCallHitShared() {
    return sharing.call("simulate", () -> result, n, seed);
  }
}
