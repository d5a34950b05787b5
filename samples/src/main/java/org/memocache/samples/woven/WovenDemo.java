package org.memocache.samples.woven;

import java.util.Arrays;

/**
 * Runs the build-woven {@link Spectra} twice in one JVM and prints how many bodies ran. Run it twice
 * (two JVMs, no agent): the second run is served from the cache directory ({@code $MEMOCACHE_DIR},
 * default {@code ~/.cache/memocache}) and computes nothing.
 *
 * <pre>
 * mvn -q -B -DskipTests -pl samples -am package
 * java -cp "samples/target/classes:$(cat samples/target/classpath.txt)" org.memocache.samples.woven.WovenDemo
 * </pre>
 */
public final class WovenDemo {
  private WovenDemo() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    for (int round = 1; round <= 2; round++) {
      long t0 = System.nanoTime();
      int[] peaks = Spectra.peaks(n, 50, 120, 7L, 2);
      double[] power = Spectra.powerSpectrum(n, 50, 120, 7L);
      System.out.printf("round %d: peaks %s, power at 50 = %.3f (%.1f ms)%n", round,
          Arrays.toString(peaks), power[50], (System.nanoTime() - t0) / 1e6);
    }
    System.out.println("bodies run in this JVM: " + Spectra.computed());
  }
}
