package org.memocache.agent.internal;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

/**
 * {@link Weaving} describes {@link MemoAdvice} from its class file, where Byte Buddy's
 * {@code Advice.to(Class)} would use reflection: the woven code must be the same, byte for byte.
 */
class AdviceDescriptionTest {

  static final class Sample {
    private final int base = 3;

    static long square(int n) {
      return (long) n * n;
    }

    double[] array(int n, String s) {
      return new double[n + s.length() + base];
    }

    int primitives(long a, double b, boolean c, char d) {
      return (int) (a + b) + (c ? 1 : 0) + d;
    }

    static List<String> keys(Map<String, Integer> m) throws java.io.IOException {
      return new ArrayList<>(m.keySet());
    }

    String recursive(int n) {
      return n <= 0 ? "" : recursive(n - 1) + n;
    }
  }

  @Test
  void adviceFromTheClassFileWeavesWhatReflectionWeaves() {
    Advice reflective = Advice.withCustomMapping()
        .bind(CodeFingerprint.class, (Advice.OffsetMapping) FingerprintBinding.INSTANCE)
        .to(MemoAdvice.class);
    byte[] expected = new ByteBuddy().redefine(Sample.class).visit(reflective.on(isMethod())).make().getBytes();
    byte[] woven = Weaving.weave(new ByteBuddy().redefine(Sample.class), isMethod(), null).make().getBytes();
    assertArrayEquals(expected, woven);
  }
}
