package org.memocache.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static net.bytebuddy.jar.asm.Opcodes.*;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import net.bytebuddy.jar.asm.MethodVisitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;
import org.memocache.MemoRuntime;

/**
 * The {@link AsmWeaver} in-process: weaves a compiled class whose methods have every return type,
 * wide parameters, locals, loops, switches, try/catch and several returns, then runs it (verified)
 * against a memory-only Memo: the results are the unwoven code's, hits skip the body, exceptions
 * pass through unchanged and are not cached.
 */
class AsmWeaverTest {
  @TempDir
  static Path dir;

  static final String SOURCE = """
      package w;
      import org.memocache.annotations.Memoize;
      public class Shapes {
        public static int runs;
        public static int finallies;
        public static RuntimeException thrown;
        private final int offset;
        public Shapes(int offset) { this.offset = offset; }
        @Memoize public static long square(int x) { runs++; return (long) x * x; }
        @Memoize public static boolean even(int x) { runs++; return x % 2 == 0; }
        @Memoize public static char letter(int x) { runs++; return (char) ('a' + x); }
        @Memoize public static byte low(int x) { runs++; return (byte) x; }
        @Memoize public static short half(int x) { runs++; return (short) (x / 2); }
        @Memoize public static float third(float x) { runs++; return x / 3; }
        @Memoize public static Object none(String s) { runs++; return null; }
        @Memoize public double mix(double a, long b, String s, int[] arr) {
          runs++;
          double r = offset;
          for (int i = 0; i < arr.length; i++) {
            if (arr[i] > 2) {
              r += a * arr[i];
            } else {
              try { r += Integer.parseInt(s); } catch (NumberFormatException e) { r -= 1; }
            }
          }
          switch ((int) b) {
            case 0: return -r;
            case 1: r += 1; break;
            default: r *= 2;
          }
          if (r > 1000) return r - 1000;
          return r + b;
        }
        @Memoize public int[] range(int from, long to) {
          runs++;
          int[] a = new int[(int) (to - from)];
          for (int i = 0; i < a.length; i++) { long wide = from + i; a[i] = (int) wide; }
          return a;
        }
        @Memoize public int loopAtStart(int n) {
          while (n > 10) { n -= 3; }
          runs++;
          return n + offset;
        }
        @Memoize public static int fails(int x) { runs++; thrown = new IllegalArgumentException("bad " + x); throw thrown; }
        @Memoize public static int caught(int x) {
          runs++;
          try { if (x > 0) throw new IllegalStateException("x"); return 1; }
          catch (IllegalStateException e) { return 2; }
          finally { finallies++; }
        }
      }
      """;

  static Class<?> plain;
  static Class<?> woven;

  @BeforeAll
  static void weave() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/w")).resolve("Shapes.java");
    Files.writeString(src, SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-g",
        "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
    assertEquals(0, rc);
    byte[] original = Files.readAllBytes(classes.resolve("w/Shapes.class"));
    Map<String, Long> fingerprints = new HashMap<>();
    long fp = 1;
    for (String m : List.of("square(I)J", "even(I)Z", "letter(I)C", "low(I)B", "half(I)S", "third(F)F",
        "none(Ljava/lang/String;)Ljava/lang/Object;", "mix(DJLjava/lang/String;[I)D", "range(IJ)[I",
        "loopAtStart(I)I", "fails(I)I", "caught(I)I")) {
      fingerprints.put(m, fp++);
    }
    byte[] bytes = AsmWeaver.weave(original, fingerprints);
    MemoRuntime.install(Memo.builder().memoryOnly().build());
    plain = new OneClass("w.Shapes", original).loadClass("w.Shapes");
    woven = new OneClass("w.Shapes", bytes).loadClass("w.Shapes");
  }

  /** Defines one class from the given bytes (so that it is verified), the rest from the parent. */
  private static final class OneClass extends ClassLoader {
    private final String className;
    private final byte[] bytes;

    OneClass(String className, byte[] bytes) {
      super(AsmWeaverTest.class.getClassLoader());
      this.className = className;
      this.bytes = bytes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.equals(className)) {
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          return c != null ? c : defineClass(name, bytes, 0, bytes.length);
        }
      }
      return super.loadClass(name, resolve);
    }
  }

  private static Object call(Class<?> c, String name, Object target, Object... args) throws Exception {
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return m.invoke(target, args);
      }
    }
    throw new AssertionError(name);
  }

  private static int runs() throws Exception {
    return woven.getField("runs").getInt(null);
  }

  /** The woven method gives what the plain one gives, computing once for two calls. */
  private static void same(Object plainTarget, Object wovenTarget, String name, Object... args) throws Exception {
    Object expected = call(plain, name, plainTarget, args);
    int before = runs();
    Object first = call(woven, name, wovenTarget, args);
    Object second = call(woven, name, wovenTarget, args);
    if (expected instanceof int[] a) {
      assertArrayEquals(a, (int[]) first);
      assertArrayEquals(a, (int[]) second);
    } else {
      assertEquals(expected, first, name);
      assertEquals(expected, second, name);
    }
    assertEquals(before + 1, runs(), name + ": the second call is a hit");
  }

  @Test
  void everyShapeComputesOnceWithThePlainResult() throws Exception {
    Object p = plain.getConstructor(int.class).newInstance(5);
    Object w = woven.getConstructor(int.class).newInstance(5);
    same(null, null, "square", 12);
    same(null, null, "even", 4);
    same(null, null, "letter", 3);
    same(null, null, "low", 300);
    same(null, null, "half", 9);
    same(null, null, "third", 2f);
    same(p, w, "mix", 1.5, 0L, "7", new int[] {1, 3, 5});
    same(p, w, "mix", 1.5, 1L, "x", new int[] {1, 3, 5});
    same(p, w, "mix", 400.0, 2L, "7", new int[] {1, 3, 5});
    same(p, w, "range", 3, 9L);
    same(p, w, "loopAtStart", 4);
    same(p, w, "loopAtStart", 40);
    int before = runs();
    assertNull(call(woven, "none", null, "s"));
    assertNull(call(woven, "none", null, "s"));
    assertEquals(before + 1, runs(), "null is a value");
  }

  @Test
  void finallyAndCatchInTheBodyRunAsWritten() throws Exception {
    same(null, null, "caught", 0);
    same(null, null, "caught", 1);
    assertEquals(2, woven.getField("finallies").getInt(null), "the finally block ran once per computation");
  }

  @Test
  void exceptionsPassThroughUnchangedAndAreNotCached() throws Exception {
    int before = runs();
    for (int i = 0; i < 2; i++) {
      InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> call(woven, "fails", null, 3));
      assertSame(woven.getField("thrown").get(null), e.getCause());
      assertEquals("bad 3", e.getCause().getMessage());
    }
    assertEquals(before + 2, runs());
  }

  @Test
  void classFilesWithoutStackMapFramesAreLeftToByteBuddy() {
    byte[] java5 = new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 49};
    AsmWeaver.Unsupported e = assertThrows(AsmWeaver.Unsupported.class,
        () -> AsmWeaver.weave(minimalClass(java5), Map.of()));
    assertTrue(e.getMessage().contains("49"), e.getMessage());
  }

  @Test
  void aParameterSlotReusedOrAValueLeftOnTheStackIsLeftToByteBuddy() throws Exception {
    byte[] odd = oddClass();
    AsmWeaver.Unsupported reuse = assertThrows(AsmWeaver.Unsupported.class,
        () -> AsmWeaver.weave(odd, Map.of("reuse(ILjava/lang/String;)I", 1L)));
    assertEquals("a store into parameter slot 1 of reuse(ILjava/lang/String;)I", reuse.getMessage());
    AsmWeaver.Unsupported extra = assertThrows(AsmWeaver.Unsupported.class,
        () -> AsmWeaver.weave(odd, Map.of("extra(I)I", 2L)));
    assertEquals("more than the returned value on the stack in extra(I)I", extra.getMessage());
    AsmWeaver.Unsupported wide = assertThrows(AsmWeaver.Unsupported.class,
        () -> AsmWeaver.weave(odd, Map.of("wide(JI)J", 3L)));
    assertEquals("a store into parameter slot 1 of wide(JI)J", wide.getMessage());

    // The agent's own path: Byte Buddy's advice weaves the class instead, and it verifies.
    java.lang.instrument.ClassFileTransformer weaver = ByteBuddyWeaver.create(
        org.memocache.agent.AgentOptions.defaults(), new Selection(List.of()), new AgentLog(false));
    byte[] bytes = weaver.transform(AsmWeaverTest.class.getClassLoader(), "g/Odd", null, null, odd);
    assertTrue(bytes != null && !java.util.Arrays.equals(odd, bytes), "woven");
    Class<?> c = new OneClass("g.Odd", bytes).loadClass("g.Odd");
    java.lang.reflect.Field runs = c.getField("runs");
    for (int round = 0; round < 2; round++) {
      assertEquals(12, call(c, "reuse", null, 3, "abcd"));
      assertEquals(10, call(c, "reuse", null, 2, "abcde"));
      assertEquals(14, call(c, "extra", null, 7));
      assertEquals(0x1_0000_0000L + 9, call(c, "wide", null, 9L, 1));
    }
    assertEquals(4, runs.getInt(null), "one computation per key");
  }

  /**
   * {@code g.Odd}, as a shrinker or another compiler may write it: {@code reuse(int x, String s)}
   * returns {@code x * s.length()} with the length stored in {@code s}'s slot, {@code extra(int x)}
   * returns {@code 2 * x} above a 7 it leaves on the stack, and {@code wide(long a, int b)} returns
   * {@code (1L << 32) + (int) a} with {@code (int) a} stored in {@code a}'s second half.
   */
  private static byte[] oddClass() {
    net.bytebuddy.jar.asm.ClassWriter w = new net.bytebuddy.jar.asm.ClassWriter(
        net.bytebuddy.jar.asm.ClassWriter.COMPUTE_MAXS);
    w.visit(net.bytebuddy.jar.asm.Opcodes.V17, ACC_PUBLIC | ACC_SUPER, "g/Odd", null, "java/lang/Object", null);
    w.visitField(ACC_PUBLIC | ACC_STATIC, "runs", "I", null, null).visitEnd();
    MethodVisitor m = memoized(w, "reuse", "(ILjava/lang/String;)I");
    m.visitVarInsn(ALOAD, 1);
    m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
    m.visitVarInsn(ISTORE, 1);
    m.visitVarInsn(ILOAD, 0);
    m.visitVarInsn(ILOAD, 1);
    m.visitInsn(IMUL);
    end(m, IRETURN);
    m = memoized(w, "extra", "(I)I");
    m.visitIntInsn(BIPUSH, 7);
    m.visitVarInsn(ILOAD, 0);
    m.visitInsn(ICONST_2);
    m.visitInsn(IMUL);
    end(m, IRETURN);
    m = memoized(w, "wide", "(JI)J");
    m.visitVarInsn(LLOAD, 0);
    m.visitInsn(L2I);
    m.visitVarInsn(ISTORE, 1); // the long's second half
    m.visitInsn(LCONST_1);
    m.visitIntInsn(BIPUSH, 32);
    m.visitInsn(LSHL);
    m.visitVarInsn(ILOAD, 1);
    m.visitInsn(I2L);
    m.visitInsn(LADD);
    end(m, LRETURN);
    w.visitEnd();
    return w.toByteArray();
  }

  /** A public static {@code @Memoize} method that counts its runs first. */
  private static MethodVisitor memoized(net.bytebuddy.jar.asm.ClassWriter w, String name, String descriptor) {
    MethodVisitor m = w.visitMethod(ACC_PUBLIC | ACC_STATIC, name, descriptor, null, null);
    m.visitAnnotation("Lorg/memocache/annotations/Memoize;", true).visitEnd();
    m.visitCode();
    m.visitFieldInsn(GETSTATIC, "g/Odd", "runs", "I");
    m.visitInsn(ICONST_1);
    m.visitInsn(IADD);
    m.visitFieldInsn(PUTSTATIC, "g/Odd", "runs", "I");
    return m;
  }

  private static void end(MethodVisitor m, int returnOpcode) {
    m.visitInsn(returnOpcode);
    m.visitMaxs(0, 0);
    m.visitEnd();
  }

  /** An empty class {@code e.E} extending Object, of the version in {@code header}. */
  private static byte[] minimalClass(byte[] header) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(header);
    byte[] pool = {0, 5, // 4 entries
        7, 0, 2, 1, 0, 3, 'e', '/', 'E', // #1 class e/E, #2 utf8
        7, 0, 4, 1, 0, 16, 'j', 'a', 'v', 'a', '/', 'l', 'a', 'n', 'g', '/', 'O', 'b', 'j', 'e', 'c', 't'};
    out.writeBytes(pool);
    out.writeBytes(new byte[] {0, 0x21, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0});
    return out.toByteArray();
  }
}
