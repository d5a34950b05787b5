package org.memocache.samples.woven;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.memocache.annotations.Memoize;

/**
 * Power spectra of noisy signals, memoized with {@code @Memoize} and woven at build time by the
 * MemoCache plugin for byte-buddy-maven-plugin (see {@code samples/pom.xml}): the compiled class
 * already contains the memoizing code, so {@link WovenDemo} runs memoized with no agent.
 */
public final class Spectra {
  private static final AtomicInteger COMPUTED = new AtomicInteger();

  private Spectra() {}

  /** How many times a memoized body actually ran in this JVM. */
  public static int computed() {
    return COMPUTED.get();
  }

  /** A reproducible signal: two sine waves (frequencies {@code f1}, {@code f2}) plus noise. */
  @Memoize
  public static double[] signal(int n, int f1, int f2, long seed) {
    COMPUTED.incrementAndGet();
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] s = new double[n];
    for (int t = 0; t < n; t++) {
      s[t] = Math.sin(2 * Math.PI * f1 * t / n) + 0.5 * Math.sin(2 * Math.PI * f2 * t / n)
          + 0.3 * (rnd.nextDouble() - 0.5);
    }
    return s;
  }

  /** The power spectrum of {@code signal(n, f1, f2, seed)} by a direct O(n²) Fourier transform. */
  @Memoize(version = 1)
  public static double[] powerSpectrum(int n, int f1, int f2, long seed) {
    COMPUTED.incrementAndGet();
    double[] s = signal(n, f1, f2, seed);
    double[] power = new double[n / 2];
    for (int k = 0; k < power.length; k++) {
      double re = 0;
      double im = 0;
      for (int t = 0; t < n; t++) {
        double angle = 2 * Math.PI * k * t / n;
        re += s[t] * Math.cos(angle);
        im -= s[t] * Math.sin(angle);
      }
      power[k] = (re * re + im * im) / n;
    }
    return power;
  }

  /** The {@code count} strongest frequencies of the spectrum, strongest first. */
  @Memoize
  public static int[] peaks(int n, int f1, int f2, long seed, int count) {
    COMPUTED.incrementAndGet();
    double[] p = powerSpectrum(n, f1, f2, seed).clone();
    int[] peaks = new int[count];
    for (int i = 0; i < count; i++) {
      int best = 0;
      for (int k = 1; k < p.length; k++) {
        if (p[k] > p[best]) {
          best = k;
        }
      }
      peaks[i] = best;
      p[best] = Double.NEGATIVE_INFINITY;
    }
    return peaks;
  }
}
