package org.memocache.disk.internal;

import java.util.concurrent.atomic.LongAdder;
import org.memocache.spi.Tier;

/** The disk tier's counters, shared by its reader, writer and maintainer. */
public final class Counts {
  public final LongAdder corrupt = new LongAdder();
  public final LongAdder writeFailures = new LongAdder();
  public final LongAdder evictions = new LongAdder();
  public final LongAdder foreign = new LongAdder();

  public Tier.Counters snapshot() {
    return new Tier.Counters(corrupt.sum(), writeFailures.sum(), evictions.sum(), foreign.sum());
  }
}
