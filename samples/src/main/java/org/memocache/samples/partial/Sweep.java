package org.memocache.samples.partial;

import java.util.Random;
import org.memocache.annotations.Memoize;
import org.memocache.partial.Progress;

/**
 * A parameter sweep as a progressive computation, and a big field as an array result: the two
 * shapes of result that issue #6 made reachable without recomputing. Woven at build time like
 * every {@code @Memoize} method of this module.
 */
public final class Sweep {
  private Sweep() {}

  /**
   * Simulates {@code steps} parameter values, one chunk of results each ({@code millisPerStep} of
   * "work" per step), checkpointing the running mean. Killed and run again, it resumes after the
   * last finished step; {@link PartialDemo} {@code watch} reads the finished steps meanwhile.
   * {@code millisPerStep} only paces the demo: it is not part of the result, so it is ignored.
   */
  @Memoize
  public static double[] sweep(int steps, long seed, @Memoize.Ignore int millisPerStep,
      Progress<double[], double[]> progress) {
    double[] mean = progress.state().orElse(new double[3]);
    if (progress.resumed()) {
      System.out.println("resuming after step " + (progress.chunkCount() - 1));
    }
    for (int i = progress.chunkCount(); i < steps; i++) {
      double[] chunk = simulate(i, seed, millisPerStep);
      for (int k = 0; k < mean.length; k++) {
        mean[k] += (chunk[k] - mean[k]) / (i + 1);
      }
      progress.append(chunk, mean.clone());
      System.out.printf("step %d done: %.4f %.4f %.4f%n", i, chunk[0], chunk[1], chunk[2]);
    }
    return mean;
  }

  /** One step: 100 000 samples of a wider and wider Gaussian; {@code millis} paces the demo. */
  private static double[] simulate(int step, long seed, int millis) {
    Random rnd = new Random(seed * 1_000_003L + step);
    double mean = 0;
    double var = 0;
    for (int j = 0; j < 100_000; j++) {
      double v = rnd.nextGaussian() * (1 + step * 0.1);
      mean += v / 100_000;
      var += v * v / 100_000;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in step " + step, e);
    }
    return new double[] {mean, Math.sqrt(var), step};
  }

  /** A big result to view in place: {@code n} samples of a damped wave. */
  @Memoize
  public static double[] field(int n, double damping) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = Math.exp(-damping * i / n) * Math.sin(i * 0.01);
    }
    return a;
  }
}
