package org.memocache.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which values {@link ResultCopies#copy} would hand to Kryo. */
class ResultCopiesTest {
  record Series(String name, double[] values) {}

  record Holder(Grid grid) {}

  /** A mutable object of a class of its own, as a library's matrix is. */
  static final class Grid {
    final double[][] cells = new double[2][2];
  }

  @Test
  void jdkContainersArraysAndRecords_areCopiedWithoutKryo() {
    assertFalse(ResultCopies.copiedByKryo(null));
    assertFalse(ResultCopies.copiedByKryo(2.5));
    assertFalse(ResultCopies.copiedByKryo(new double[][] {{1}, {2}}));
    assertFalse(ResultCopies.copiedByKryo(new Series("a", new double[3])));
    assertFalse(ResultCopies.copiedByKryo(List.of(new Series("a", new double[3]))));
    assertFalse(ResultCopies.copiedByKryo(new ArrayList<>(List.of(new double[2]))));
    assertFalse(ResultCopies.copiedByKryo(new HashMap<>(Map.of("k", new double[2]))));
    assertFalse(ResultCopies.copiedByKryo(Optional.of(new double[1])));
  }

  @Test
  void anObjectOfItsOwnClass_anywhereInTheValue_isCopiedByKryo() {
    assertTrue(ResultCopies.copiedByKryo(new Grid()));
    assertTrue(ResultCopies.copiedByKryo(new Holder(new Grid())));
    assertTrue(ResultCopies.copiedByKryo(List.of(new Series("a", new double[1]), new Holder(new Grid()))));
    assertTrue(ResultCopies.copiedByKryo(Map.of("grid", new Grid())));
    assertTrue(ResultCopies.copiedByKryo(new Object[] {1, new Grid()}));
    assertTrue(ResultCopies.copiedByKryo(Optional.of(new Grid())));
  }
}
