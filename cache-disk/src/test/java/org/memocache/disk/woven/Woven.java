package org.memocache.disk.woven;

import java.util.function.Supplier;
import org.memocache.MemoRuntime;

/** Calls a method the way the woven advice does: enter, skip the body on a hit, exit after it. */
public final class Woven {
  private Woven() {}

  /** The fingerprint the "weaver" computed for every method in these tests. */
  public static final long FINGERPRINT = 0xF1F2F3F4L;

  public static <T> T call(Class<?> owner, String method, Object self, Object[] args, Supplier<T> body) {
    return call(owner, method, FINGERPRINT, self, args, body);
  }

  /** As the advice woven with {@code fingerprint} as the method's bytecode fingerprint. */
  public static <T> T call(Class<?> owner, String method, long fingerprint, Object self, Object[] args,
      Supplier<T> body) {
    MemoRuntime.Call call = MemoRuntime.enter(owner, method, fingerprint, self, args);
    if (call != null && call.isHit()) {
      @SuppressWarnings("unchecked")
      T v = (T) call.value();
      return v;
    }
    if (call != null && call.failure() instanceof RuntimeException e) {
      throw e;
    }
    if (call != null && call.failure() instanceof Error e) {
      throw e;
    }
    T value;
    try {
      value = body.get();
    } catch (RuntimeException | Error e) {
      if (call != null) {
        MemoRuntime.exit(call, null, e);
      }
      throw e;
    }
    if (call != null) {
      MemoRuntime.exit(call, value, null);
    }
    return value;
  }

  public static double[] fit(int n, long seed) {
    return call(Fitter.class, "fit(IJ)[D", null, new Object[] {n, seed}, () -> Fitter.fit(n, seed));
  }

  public static double score(Fitter f, double[] x) {
    return call(Fitter.class, "score([D)D", f, new Object[] {x}, () -> f.score(x));
  }

  public static double[] sweep(int chunks, org.memocache.partial.Progress<Integer, double[]> p) {
    return call(Fitter.class, "sweep(ILorg/memocache/partial/Progress;)[D", null, new Object[] {chunks, p},
        () -> Fitter.sweep(chunks, p));
  }

  public static int[] remoteCounts(int n, long fingerprint) {
    return call(Remote.class, "counts(I)[I", fingerprint, null, new Object[] {n}, () -> Remote.counts(n));
  }

  public static long square(int n) {
    return call(Plain.class, "square(I)J", null, new Object[] {n}, () -> Plain.square(n));
  }
}
