package org.memocache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How {@link SizeEstimator} weighs results: exactly for arrays, by a sample for big containers. */
class SizeEstimatorTest {
  record Point(long id, double x, double y) {}

  record Sample(String label, TimeUnit unit, double[] values) {}

  record OnGrid(double[] grid, double value) {}

  /** What one more element adds to a list, measured on a list small enough to be walked whole. */
  private static long perElement(Object element) {
    List<Object> one = new ArrayList<>(List.of(element));
    return SizeEstimator.estimate(one) - SizeEstimator.estimate(new ArrayList<>());
  }

  private static void assertWithin(double fraction, long expected, long actual) {
    assertTrue(Math.abs(actual - expected) <= fraction * expected,
        "estimate " + actual + " is not within " + fraction + " of " + expected);
  }

  @Test
  void primitiveArraysAndStrings_areExact() {
    assertEquals(16 + 8 * 1000, SizeEstimator.estimate(new double[1000]));
    assertEquals(16 + 4 * 10, SizeEstimator.estimate(new int[10]));
    assertEquals(16 + 24 + 5, SizeEstimator.estimate("hello"));
    assertEquals(16, SizeEstimator.estimate(null));
  }

  @Test
  void aBigListOfRecords_isWeighedAsItsElementsAre() {
    for (int n : new int[] {300, 50_000, 100_000}) {
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        points.add(new Point(i, i, i));
      }
      long expected = SizeEstimator.estimate(new ArrayList<>()) + n * perElement(new Point(0, 0, 0));
      assertWithin(0.001, expected, SizeEstimator.estimate(points));
    }
  }

  @Test
  void elementsOfDifferentSizes_areWeighedByAnEvenSample() {
    Random random = new Random(7);
    List<double[]> rows = new ArrayList<>();
    Map<Integer, double[]> byIndex = new HashMap<>();
    long expected = SizeEstimator.estimate(new ArrayList<>());
    for (int i = 0; i < 20_000; i++) {
      double[] row = new double[1 + random.nextInt(2000)];
      rows.add(row);
      byIndex.put(i, row);
      expected += perElement(row);
    }
    assertWithin(0.05, expected, SizeEstimator.estimate(rows));
    assertWithin(0.05, expected, SizeEstimator.estimate(rows.toArray(new double[0][])));
    long rowsInMap = SizeEstimator.estimate(byIndex) - SizeEstimator.estimate(new HashMap<>());
    assertWithin(0.10, expected, rowsInMap);
  }

  @Test
  void anArrayEveryElementShares_isNotCountedForEachElement() {
    double[] grid = new double[100_000];
    List<OnGrid> points = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      points.add(new OnGrid(grid, i));
    }
    long unshared = SizeEstimator.estimate(new ArrayList<>()) + 100_000 * perElement(new OnGrid(null, 0));
    long estimate = SizeEstimator.estimate(points);
    // Counted once per element a sampled one stands for, the 800 KB grid would weigh 312 MB; walked
    // element by element up to the budget, the rest counted at the average so far, the list weighs
    // 30.8 MB.
    assertTrue(estimate < 40_000_000, "estimate " + estimate);
    assertTrue(estimate >= unshared, "estimate " + estimate);
  }

  @Test
  void sharedLabelsAndEnumConstants_leaveTheSampleStanding() {
    List<Sample> samples = new ArrayList<>();
    String label = "calibrated";
    for (int i = 0; i < 50_000; i++) {
      samples.add(new Sample(label, TimeUnit.SECONDS, new double[16]));
    }
    long expected = SizeEstimator.estimate(new ArrayList<>())
        + 50_000 * perElement(new Sample("other", TimeUnit.SECONDS, new double[16]))
        - 49_999 * SizeEstimator.estimate(label);
    assertWithin(0.05, expected, SizeEstimator.estimate(samples));
  }
}
