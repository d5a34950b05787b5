package org.thirdparty.linear;

/**
 * Stands in for a third-party result class (say Hipparchus' {@code Array2DRowRealMatrix}): outside
 * the caller's package, so stored results decode only when the {@code allow} setting admits it.
 */
public final class Matrix {
  public final int rows;
  public final double[] data;

  public Matrix(int rows, double[] data) {
    this.rows = rows;
    this.data = data;
  }

  @Override
  public String toString() {
    return "Matrix" + rows + java.util.Arrays.toString(data);
  }
}
