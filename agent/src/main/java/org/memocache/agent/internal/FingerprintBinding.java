package org.memocache.agent.internal;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link CodeFingerprint} to a {@code long} constant: the method's fingerprint from the
 * {@link MethodFingerprints} that {@link FingerprintingWrapper} made for the class being woven, or 0
 * when fingerprints are off (agent option {@code fingerprint=false}, or
 * {@code @Memoize(codeFingerprint = false)}).
 *
 * <p>Advice resolves its parameters while the class's methods stream through ASM, after the
 * wrapper has read the whole class; the wrapper hands the fingerprints over in a thread-local that
 * is set only for the duration of that one pass, on the weaving thread.
 */
public enum FingerprintBinding implements Advice.OffsetMapping {
  INSTANCE;

  private static final ThreadLocal<@Nullable MethodFingerprints> CURRENT = new ThreadLocal<>();

  @Override
  public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
      Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
    MethodFingerprints fingerprints = CURRENT.get();
    long fingerprint = 0L;
    if (fingerprints != null && Weaving.fingerprintAllowedByAnnotation(instrumentedMethod)) {
      fingerprint = fingerprints.of(Weaving.key(instrumentedMethod));
    }
    return Target.ForStackManipulation.of(fingerprint);
  }

  /** Makes {@code fingerprints} visible to {@link #resolve} while {@code pass} runs on this thread. */
  static void during(MethodFingerprints fingerprints, Runnable pass) {
    MethodFingerprints previous = CURRENT.get();
    CURRENT.set(fingerprints);
    try {
      pass.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
