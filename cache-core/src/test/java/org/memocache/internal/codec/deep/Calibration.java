package org.memocache.internal.codec.deep;

/** A result class with no no-arg constructor that is not Serializable (as in many scientific libraries). */
public final class Calibration {
  private final double offset;
  private final double scale;
  private Calibration self;

  public Calibration(double offset, double scale) {
    if (scale == 0) {
      throw new IllegalArgumentException("scale must not be 0");
    }
    this.offset = offset;
    this.scale = scale;
    this.self = this;
  }

  public double offset() {
    return offset;
  }

  public double scale() {
    return scale;
  }

  public Calibration self() {
    return self;
  }
}
