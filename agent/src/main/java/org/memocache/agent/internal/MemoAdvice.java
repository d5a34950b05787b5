package org.memocache.agent.internal;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.memocache.MemoRuntime;

/**
 * The code inlined into every memoized method: by the build plugin (and by the agent for class files
 * older than Java 6) through Byte Buddy's {@code Advice}; the agent's {@link AsmWeaver} writes the
 * same instructions with ASM alone, so a change here is made there too. Its whole contract with the
 * cache is two static calls into {@link MemoRuntime}; everything else is Byte Buddy plumbing:
 *
 * <ul>
 *   <li>the owner class and {@code name + descriptor} are constants, and the bytecode fingerprint is
 *       a {@code long} constant computed at weaving time ({@link CodeFingerprint});
 *   <li>on a hit the enter advice returns {@code true}, the body is skipped ({@code skipOn}) and the
 *       exit advice assigns the stored value to the return value (unboxed for primitive returns);
 *   <li>when the call waited for another thread computing the same key and that computation threw,
 *       the body is skipped too and the exit advice throws the same exception (assigned to the
 *       thrown value, which Byte Buddy rethrows);
 *   <li>on a miss the body runs and the exit advice hands its result, or the exception it threw, to
 *       {@link MemoRuntime#exit}; the exception then propagates unchanged;
 *   <li>both advices {@code suppress} every {@link Throwable}: a fault in the cache (or a missing
 *       {@code MemoRuntime} class) makes the method compute, never fail.
 * </ul>
 *
 * <p>The call object lives in a local variable of the woven method, so a call allocates nothing
 * here beyond the argument array that {@link MemoRuntime#enter} takes.
 */
public final class MemoAdvice {
  private MemoAdvice() {}

  /** Asks the cache; returns whether the body is to be skipped because the value was found. */
  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  static boolean enter(
      @Advice.Origin Class<?> owner,
      @Advice.Origin("#m#d") String method,
      @CodeFingerprint long fingerprint,
      @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] args,
      @Advice.Local("memoCall") MemoRuntime.Call call) {
    call = MemoRuntime.enter(owner, method, fingerprint, self, args);
    return call != null && (call.isHit() || call.failure() != null);
  }

  /**
   * Returns the stored value on a hit or throws the failure waited for; publishes the computed value
   * (or the exception) on a miss.
   */
  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Enter boolean hit,
      @Advice.Local("memoCall") MemoRuntime.Call call,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    if (call != null) {
      if (hit) {
        Throwable failure = call.failure();
        if (failure != null) {
          thrown = failure;
        } else {
          returned = call.value();
        }
      } else {
        MemoRuntime.exit(call, returned, thrown);
      }
    }
  }
}
