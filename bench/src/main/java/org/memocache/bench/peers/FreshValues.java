package org.memocache.bench.peers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;

/**
 * The values of the second-run workload ({@link FreshChild}, {@code pypeers.py second-run}): what a
 * user's job computes once and reads back in every later process. Each case has a computation (the
 * "recompute" row), a cheap check that a served value is that value, and the shape its floor reads
 * (arrays × length of doubles carrying the same payload bytes).
 */
public final class FreshValues {
  /** Length of the 16 MB arrays: {@code double[2_000_000]}. */
  public static final int N = 2_000_000;
  /** Rows × columns of the matrix case: 16 MB of doubles. */
  public static final int ROWS = 1_000;
  /** Columns of the matrix case. */
  public static final int COLS = 2_000;
  /** Records in the list case. */
  public static final int RECORDS = 100_000;
  /** Entries of the map case, each a {@code double[SERIES_LEN]} (1 MiB). */
  public static final int SERIES = 16;
  /** Length of each array of the map case. */
  public static final int SERIES_LEN = 131_072;
  /** Samples of the Monte Carlo estimate of the {@code double} case. */
  public static final int PI_SAMPLES = 10_000_000;
  /** What {@code monteCarloPi(PI_SAMPLES, 1)} returns: 4 × 7,853,798 / 10^7. */
  static final double PI_ESTIMATE = 3.1415192;

  private FreshValues() {}

  /** A data set as a user's record: two columns. */
  public record Dataset(double[] x, double[] y) {}

  /** One small record of the list case. */
  public record Point(long id, double x, double y) {}

  /** The case ids, in run order. */
  public static final List<String> CASES = List.of("array", "dataset", "matrix", "double", "big", "list", "map");

  /** How a case is shown in the tables. */
  public static String label(String id, long bigBytes) {
    return switch (id) {
      case "array" -> "double[2M] 16 MB";
      case "dataset" -> "Dataset 2x2M";
      case "matrix" -> "matrix 1000x2000";
      case "double" -> "double";
      case "big" -> "double[] " + (bigBytes % (1L << 30) == 0 ? bigBytes / (1L << 30) + " GiB" : bigBytes / (1L << 20) + " MiB");
      case "list" -> "List 10^5 records";
      case "map" -> "Map 16 x double[128K]";
      default -> throw new IllegalArgumentException("unknown case " + id);
    };
  }

  /** The floor's shape of a case: {arrays, length} of doubles with the case's payload bytes. */
  public static int[] floorShape(String id, long bigBytes) {
    return switch (id) {
      case "array" -> new int[] {1, N};
      case "dataset" -> new int[] {2, N};
      case "matrix" -> new int[] {ROWS, COLS};
      case "double" -> new int[] {1, 1};
      case "big" -> new int[] {1, (int) (bigBytes / 8)};
      case "list" -> new int[] {1, 3 * RECORDS}; // three 8-byte fields per record
      case "map" -> new int[] {SERIES, SERIES_LEN};
      default -> throw new IllegalArgumentException("unknown case " + id);
    };
  }

  /** Computes a case's value. */
  public static Object compute(String id, long bigBytes) {
    return switch (id) {
      case "array" -> ramp(N);
      case "dataset" -> generate(N, 7);
      case "matrix" -> {
        double[][] m = new double[ROWS][COLS];
        for (int r = 0; r < ROWS; r++) {
          for (int c = 0; c < COLS; c++) {
            m[r][c] = (double) r * COLS + c;
          }
        }
        yield new Array2DRowRealMatrix(m, false);
      }
      case "double" -> monteCarloPi(PI_SAMPLES, 1);
      case "big" -> ramp(Math.toIntExact(bigBytes / 8));
      case "list" -> {
        List<Point> l = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
          l.add(new Point(i, 0.5 * i, 0.25 * i));
        }
        yield l;
      }
      case "map" -> {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int k = 0; k < SERIES; k++) {
          double[] v = ramp(SERIES_LEN);
          v[0] = k;
          m.put(String.format("series-%02d", k), v);
        }
        yield m;
      }
      default -> throw new IllegalArgumentException("unknown case " + id);
    };
  }

  /**
   * Whether {@code v} is the value of case {@code id}: shapes, and values at a stride (a full compare
   * would cost as much as the read being measured; torn or shifted blocks are still caught).
   */
  public static boolean check(String id, long bigBytes, Object v) {
    return switch (id) {
      case "array" -> isRamp(v, N);
      case "dataset" -> {
        if (!(v instanceof Dataset d) || d.x().length != N || d.y().length != N) {
          yield false;
        }
        Dataset prefix = generate(1000, 7); // the generator is sequential: its prefix is exact
        for (int i = 0; i < 1000; i++) {
          if (d.x()[i] != prefix.x()[i] || d.y()[i] != prefix.y()[i]) {
            yield false;
          }
        }
        yield d.x()[N - 1] >= 0 && d.x()[N - 1] < 10;
      }
      case "matrix" -> {
        if (!(v instanceof Array2DRowRealMatrix m) || m.getRowDimension() != ROWS || m.getColumnDimension() != COLS) {
          yield false;
        }
        double[][] d = m.getDataRef();
        for (int r = 0; r < ROWS; r += 7) {
          if (d[r][0] != (double) r * COLS || d[r][COLS - 1] != (double) r * COLS + COLS - 1) {
            yield false;
          }
        }
        yield d[ROWS - 1][COLS - 1] == (double) ROWS * COLS - 1;
      }
      case "double" -> v instanceof Double d && d == PI_ESTIMATE;
      case "big" -> isRamp(v, Math.toIntExact(bigBytes / 8));
      case "list" -> {
        if (!(v instanceof List<?> l) || l.size() != RECORDS) {
          yield false;
        }
        for (int i = 0; i < RECORDS; i += 97) {
          if (!new Point(i, 0.5 * i, 0.25 * i).equals(l.get(i))) {
            yield false;
          }
        }
        yield new Point(RECORDS - 1, 0.5 * (RECORDS - 1), 0.25 * (RECORDS - 1)).equals(l.get(RECORDS - 1));
      }
      case "map" -> {
        if (!(v instanceof Map<?, ?> m) || m.size() != SERIES) {
          yield false;
        }
        for (int k = 0; k < SERIES; k++) {
          Object a = m.get(String.format("series-%02d", k));
          if (!(a instanceof double[] d) || d.length != SERIES_LEN || d[0] != k || d[SERIES_LEN - 1] != SERIES_LEN - 1) {
            yield false;
          }
        }
        yield true;
      }
      default -> throw new IllegalArgumentException("unknown case " + id);
    };
  }

  private static double[] ramp(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return v;
  }

  private static boolean isRamp(Object v, int n) {
    if (!(v instanceof double[] d) || d.length != n) {
      return false;
    }
    int step = Math.max(1, n / 4096);
    for (int i = 0; i < n; i += step) {
      if (d[i] != i) {
        return false;
      }
    }
    return n == 0 || d[n - 1] == n - 1;
  }

  /** The samples' {@code Pipeline.generate}: {@code n} noisy points on a line. */
  static Dataset generate(int n, long seed) {
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

  /** The samples' {@code Pipeline.monteCarloPi}. */
  static double monteCarloPi(int samples, long seed) {
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
}
