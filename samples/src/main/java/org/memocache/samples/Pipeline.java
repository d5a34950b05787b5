package org.memocache.samples;

import java.util.SplittableRandom;

/**
 * The expensive, deterministic steps of a small scientific pipeline. Plain Java with no MemoCache
 * in sight: {@link PipelineDemo} memoizes them from the outside.
 */
public final class Pipeline {
  private Pipeline() {}

  /** A synthetic regression data set: {@code y = slope * x + intercept + noise}. */
  public record Dataset(double[] x, double[] y) {}

  /** The result of a least-squares line fit. */
  public record LineFit(double slope, double intercept, double r2, int points) {}

  /** One trajectory of the logistic map for a growth rate. */
  public record Trajectory(double rate, double[] values, double lyapunov) {}

  /** Generates {@code n} noisy points on a line, reproducibly from {@code seed}. */
  public static Dataset generate(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextDouble(0, 10);
      double noise = 0;
      for (int k = 0; k < 12; k++) {
        noise += rnd.nextDouble();
      }
      y[i] = 3.2 * x[i] + 1.5 + (noise - 6) * 0.8;
    }
    return new Dataset(x, y);
  }

  /** Estimates pi from {@code samples} random points in the unit square. */
  public static double monteCarloPi(int samples, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long inside = 0;
    for (int i = 0; i < samples; i++) {
      double a = rnd.nextDouble();
      double b = rnd.nextDouble();
      if (a * a + b * b <= 1) {
        inside++;
      }
    }
    return 4.0 * inside / samples;
  }

  /** Iterates the logistic map {@code x <- r x (1 - x)} and estimates its Lyapunov exponent. */
  public static Trajectory logisticMap(double rate, int steps) {
    double[] values = new double[steps];
    double x = 0.2;
    double lyapunov = 0;
    for (int i = 0; i < steps; i++) {
      x = rate * x * (1 - x);
      values[i] = x;
      lyapunov += Math.log(Math.abs(rate * (1 - 2 * x)) + 1e-300);
    }
    return new Trajectory(rate, values, lyapunov / steps);
  }

  /** Fits a line to {@code data} by least squares. */
  public static LineFit fit(Dataset data) {
    int n = data.x().length;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = data.x()[i];
      double y = data.y()[i];
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double intercept = (sy - slope * sx) / n;
    double ssRes = 0;
    double ssTot = 0;
    double mean = sy / n;
    for (int i = 0; i < n; i++) {
      double e = data.y()[i] - (slope * data.x()[i] + intercept);
      ssRes += e * e;
      ssTot += (data.y()[i] - mean) * (data.y()[i] - mean);
    }
    return new LineFit(slope, intercept, 1 - ssRes / ssTot, n);
  }
}
