package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.acme.left.Left;
import org.acme.left.deep.Deep;
import org.acme.right.Right;
import org.junit.jupiter.api.Test;
import org.memocache.spi.ClassFilter;
import org.memocache.testing.ChildJvm;

/**
 * Warnings about classes the allow-list refuses name every class of a value and every package to
 * admit at once: a value needing three packages gives one warning with one line to copy; a later
 * refusal adds its packages to that line; a refusal naming only packages already named is quiet; a
 * JDK class is named itself, not its package.
 * In a child JVM, as the packages named so far are remembered per JVM.
 */
class RefusedPackagesTest {
  private static final String OTHERS = "(or MEMOCACHE_ALLOW=%1$s, or allow=%1$s in memocache.properties), the agent"
      + " option allow=%2$s, or Memo.builder().allowPackages(%3$s)";

  @Test
  void oneWarningNamesEveryPackage_andLaterOnesAddUp() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of(), Child.class);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("refused [org.acme.left.Left, org.acme.right.Right, org.acme.left.deep.Deep]\nrefused"
        + " [org.acme.right.Right]", r.stdout());
    String first = "WARNING: MemoCache: the result of m1 contains org.acme.left.Left, org.acme.right.Right and"
        + " org.acme.left.deep.Deep, which its allow-list does not admit, so it would never be readable from /cache;"
        + " it is not stored there. Admit them: -Dmemocache.allow=org.acme.left,org.acme.right "
        + String.format(OTHERS, "org.acme.left,org.acme.right", "org.acme.left;org.acme.right",
        "\"org.acme.left\", \"org.acme.right\"");
    String second = "WARNING: MemoCache: a stored result of m3 (/cache) contains org.acme.third.Third[], which this"
        + " reader does not admit (it admits JDK value types and, for a method it knows, that method's declared"
        + " types and code, and the allow setting); it is treated as a miss and the class is never loaded. If it is"
        + " yours, admit it, with the packages refused earlier in this run: -Dmemocache.allow="
        + "org.acme.left,org.acme.right,org.acme.third " + String.format(OTHERS,
        "org.acme.left,org.acme.right,org.acme.third", "org.acme.left;org.acme.right;org.acme.third",
        "\"org.acme.left\", \"org.acme.right\", \"org.acme.third\"");
    String jdk = "WARNING: MemoCache: the result of m5 contains java.lang.ProcessBuilder, which its allow-list does"
        + " not admit, so it would never be readable from /other; it is not stored there. Admit it:"
        + " -Dmemocache.allow=java.lang.ProcessBuilder " + String.format(OTHERS, "java.lang.ProcessBuilder",
        "java.lang.ProcessBuilder", "\"java.lang.ProcessBuilder\"");
    assertEquals(List.of(first, second, jdk), r.stderr().lines().filter(l -> l.startsWith("WARNING: MemoCache")).toList(),
        r.stderr());
  }

  /** Encodes values the JDK-only allow-list refuses and warns as the disk tier does. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      ClassFilter jdkOnly = AllowLists.forMethod(null, List.of());
      KryoCodec kryo = new KryoCodec();
      for (Object[] call : new Object[][] {
          {"m1", List.of(new Left(), new Right(), "s", new Deep(), new Left())}, {"m2", new Right()}}) {
        try {
          kryo.encode(call[1], new ByteArrayOutputStream(), jdkOnly);
          System.out.println("stored " + call[0]);
        } catch (RejectedClassException e) {
          System.out.println("refused " + e.classNames());
          AllowLists.warnNotStorable((String) call[0], e.classNames(), "/cache");
        }
      }
      AllowLists.warnRejected("m3", List.of("[Lorg.acme.third.Third;"), "/cache");
      AllowLists.warnRejected("m4", List.of("org.acme.left.deep.Deep"), "/cache");
      // A JDK class is named itself, not its package.
      AllowLists.warnNotStorable("m5", List.of("java.lang.ProcessBuilder"), "/other");
    }
  }
}
