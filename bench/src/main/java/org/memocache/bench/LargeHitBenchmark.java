package org.memocache.bench;

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
 * A memory hit of a 16 MB {@code double[]} result: copied for the caller (the default) against
 * shared ({@code shareResults}), and the bare {@code clone()} the copy amounts to.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LargeHitBenchmark {
  static final int N = 2 * 1024 * 1024; // 16 MiB of doubles

  Memo memo;
  Memo sharing;
  double[] result;
  int n = 1;

  @Setup(Level.Trial)
  public void setUp() {
    result = new double[N];
    for (int i = 0; i < N; i++) {
      result[i] = i;
    }
    memo = Memo.builder().memoryOnly().build();
    memo.call("big", () -> result, n);
    sharing = Memo.builder().memoryOnly().shareResults("big").build();
    sharing.call("big", () -> result, n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memo.close();
    sharing.close();
  }

  @Benchmark
  public double[] hitCopied() {
    return memo.call("big", () -> result, n);
  }

  @Benchmark
  public double[] hitShared() {
    return sharing.call("big", () -> result, n);
  }

  @Benchmark
  public double[] cloneOnly() {
    return result.clone();
  }
}
