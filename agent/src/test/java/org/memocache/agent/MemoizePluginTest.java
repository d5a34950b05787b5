package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.EntryPoint;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.Memo;
import org.memocache.MemoRuntime;

/**
 * The build plugin in-process: weaves compiled classes as byte-buddy-maven-plugin would, then runs
 * them against a memory-only Memo. Exercises the advice itself (hits skip the body, primitives are
 * unboxed, null is a value, exceptions pass through unchanged and are not cached).
 */
class MemoizePluginTest {
  @TempDir
  static Path dir;

  static final Map<String, String> SOURCES = Map.of("p/Calc.java", """
      package p;
      import org.memocache.annotations.Memoize;
      public class Calc {
        public static int runs;
        public static RuntimeException thrown;
        private final int offset;
        public Calc(int offset) { this.offset = offset; }
        @Memoize public static long square(int x) { runs++; return (long) x * x; }
        @Memoize public static double[] range(int n) { runs++; double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = i; return a; }
        @Memoize public static String none(String s) { runs++; return null; }
        @Memoize public static boolean even(int x) { runs++; return x % 2 == 0; }
        @Memoize public static int fails(int x) { runs++; thrown = new IllegalArgumentException("bad " + x); throw thrown; }
        public static final java.util.concurrent.atomic.AtomicInteger slowRuns = new java.util.concurrent.atomic.AtomicInteger();
        public static final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        @Memoize public static int slowFails(int x) throws java.io.IOException {
          slowRuns.incrementAndGet();
          try { gate.await(30, java.util.concurrent.TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
          throw new java.io.IOException("unreadable " + x);
        }
        @Memoize public int shifted(int x) { runs++; return x + offset; }
        @Memoize private int twice(int x) { runs++; return 2 * x; }
        public int callTwice(int x) { return twice(x); }
        public static int notMemoized(int x) { runs++; return x; }
        public static final java.util.concurrent.atomic.AtomicInteger laterRuns = new java.util.concurrent.atomic.AtomicInteger();
        public static java.util.concurrent.CompletableFuture<String> next = new java.util.concurrent.CompletableFuture<>();
        @Memoize public static java.util.concurrent.CompletableFuture<String> later(int x) { laterRuns.incrementAndGet(); return next; }
      }
      """);

  static Path woven;
  static ClassLoader loader;
  static Class<?> calc;
  static Plugin.Engine.Summary summary;

  @BeforeAll
  static void weave() throws Exception {
    List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    Path classes = Jvm.compile(dir.resolve("classes"), cp, SOURCES);
    woven = Files.createDirectories(dir.resolve("woven"));
    summary = engine().apply(new Plugin.Engine.Source.ForFolder(classes.toFile()),
        new Plugin.Engine.Target.ForFolder(woven.toFile()), List.of(new Plugin.Factory.Simple(new MemoizePlugin())));
    MemoRuntime.install(Memo.builder().memoryOnly().build());
    loader = new URLClassLoader(new URL[] {woven.toUri().toURL()}, MemoizePluginTest.class.getClassLoader());
    calc = Class.forName("p.Calc", true, loader);
  }

  private static Plugin.Engine engine() {
    return Plugin.Engine.Default.of(EntryPoint.Default.REBASE, ClassFileVersion.JAVA_V17,
            MethodNameTransformer.Suffixing.withRandomSuffix())
        .with(ClassFileLocator.ForClassLoader.of(MemoizePluginTest.class.getClassLoader()))
        .withoutErrorHandlers();
  }

  private static Object call(String name, Object target, Object... args) throws Exception {
    for (Method m : calc.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        m.setAccessible(true);
        return m.invoke(target, args);
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void waitersOfAFailingWovenCall_throwItsCheckedException_withoutRunningTheBody() throws Exception {
    java.util.concurrent.atomic.AtomicInteger slowRuns =
        (java.util.concurrent.atomic.AtomicInteger) calc.getField("slowRuns").get(null);
    List<Thread> threads = new java.util.ArrayList<>();
    Throwable[] thrown = new Throwable[8];
    for (int i = 0; i < thrown.length; i++) {
      int n = i;
      threads.add(new Thread(() -> {
        try {
          call("slowFails", null, 7);
        } catch (InvocationTargetException e) {
          thrown[n] = e.getCause();
        } catch (Exception e) {
          thrown[n] = e;
        }
      }, "caller-" + i));
    }
    threads.forEach(Thread::start);
    // One computes (held at the gate); the seven others wait for it.
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (slowRuns.get() < 1 || !threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
        || t.getState() == Thread.State.TIMED_WAITING)) {
      assertTrue(System.nanoTime() < deadline, "callers did not start waiting: " + threads.stream()
          .map(t -> t.getName() + " " + t.getState()).toList());
      Thread.sleep(10);
    }
    ((java.util.concurrent.CountDownLatch) calc.getField("gate").get(null)).countDown();
    for (Thread t : threads) {
      t.join(30_000);
      assertFalse(t.isAlive(), t.getName());
    }
    assertEquals(1, slowRuns.get(), "one computation; its waiters throw what it threw");
    for (Throwable t : thrown) {
      assertTrue(t instanceof java.io.IOException && "unreadable 7".equals(t.getMessage()), String.valueOf(t));
      assertSame(thrown[0], t);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aWovenFutureIsSharedWhileItRuns_aFailedOneIsNotKept() throws Exception {
    java.util.concurrent.atomic.AtomicInteger laterRuns =
        (java.util.concurrent.atomic.AtomicInteger) calc.getField("laterRuns").get(null);
    java.util.concurrent.CompletableFuture<String> running = new java.util.concurrent.CompletableFuture<>();
    calc.getField("next").set(null, running);
    Object[] got = new Object[4];
    List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < got.length; i++) {
      int n = i;
      threads.add(new Thread(() -> {
        try {
          got[n] = call("later", null, 1);
        } catch (Exception e) {
          got[n] = e;
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(30_000);
    }
    for (Object g : got) {
      assertSame(running, g, "every caller gets the one running future");
    }
    assertEquals(1, laterRuns.get());
    running.complete("one");
    assertEquals("one", ((java.util.concurrent.CompletableFuture<String>) call("later", null, 1)).join());
    assertEquals(1, laterRuns.get());

    java.util.concurrent.CompletableFuture<String> failing = new java.util.concurrent.CompletableFuture<>();
    calc.getField("next").set(null, failing);
    assertSame(failing, call("later", null, 2));
    failing.completeExceptionally(new IllegalStateException("no"));
    calc.getField("next").set(null, java.util.concurrent.CompletableFuture.completedFuture("two"));
    long deadline = System.nanoTime() + 20_000_000_000L;
    Object again;
    // The failure is handled on the async executor: until then callers still share the failed future.
    while ((again = call("later", null, 2)) == failing && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals("two", ((java.util.concurrent.CompletableFuture<String>) again).join());
    assertEquals(3, laterRuns.get(), "the failed future was not kept: computed again");
  }

  private static int runs() throws Exception {
    return calc.getField("runs").getInt(null);
  }

  @Test
  void wovenClassIsMarked() {
    assertEquals(List.of("p.Calc"), summary.getTransformed().stream().map(TypeDescription::getName).toList());
    assertTrue(calc.isAnnotationPresent(Woven.class));
  }

  @Test
  void wovenClassIsNotWovenAgain() throws Exception {
    TypePool pool = TypePool.Default.of(new ClassFileLocator.Compound(
        new ClassFileLocator.ForFolder(woven.toFile()), ClassFileLocator.ForClassLoader.of(getClass().getClassLoader())));
    assertFalse(new MemoizePlugin().matches(pool.describe("p.Calc").resolve()));
  }

  @Test
  void hitsSkipTheBody() throws Exception {
    int before = runs();
    assertEquals(144L, call("square", null, 12));
    assertEquals(144L, call("square", null, 12));
    assertEquals(true, call("even", null, 4));
    assertEquals(true, call("even", null, 4));
    double[] r = (double[]) call("range", null, 4);
    assertEquals(List.of(0.0, 1.0, 2.0, 3.0), Arrays.stream(r).boxed().toList());
    assertTrue(Arrays.equals(r, (double[]) call("range", null, 4)));
    assertNull(call("none", null, "x"));
    assertNull(call("none", null, "x"));
    assertEquals(before + 4, runs());
    assertEquals(5, call("notMemoized", null, 5));
    assertEquals(5, call("notMemoized", null, 5));
    assertEquals(before + 6, runs());
  }

  @Test
  void instanceMethodsKeyOnTheReceiver() throws Exception {
    Object a = calc.getConstructor(int.class).newInstance(1);
    Object b = calc.getConstructor(int.class).newInstance(100);
    Object a2 = calc.getConstructor(int.class).newInstance(1);
    int before = runs();
    assertEquals(6, call("shifted", a, 5));
    assertEquals(105, call("shifted", b, 5));
    assertEquals(6, call("shifted", a2, 5), "equal state, same entry");
    assertEquals(14, calc.getMethod("callTwice", int.class).invoke(a, 7));
    assertEquals(14, calc.getMethod("callTwice", int.class).invoke(b, 7));
    assertEquals(before + 4, runs());
  }

  @Test
  void exceptionsPassThroughUnchangedAndAreNotCached() throws Exception {
    int before = runs();
    for (int i = 0; i < 2; i++) {
      InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> call("fails", null, 3));
      assertSame(calc.getField("thrown").get(null), e.getCause());
      assertEquals("bad 3", e.getCause().getMessage());
    }
    assertEquals(before + 2, runs());
  }

  @Test
  void unmemoizableAnnotatedMethodFailsTheBuild() throws Exception {
    List<Path> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    Path classes = Jvm.compile(dir.resolve("bad"), cp, Map.of("q/Bad.java", """
        package q;
        import org.memocache.annotations.Memoize;
        public class Bad {
          @Memoize public void log(String s) { }
          @Memoize public java.util.stream.Stream<String> lines(String s) { return s.lines(); }
        }
        """), "-proc:none"); // the annotation processor would reject these at compile time already
    Plugin.Engine.Summary s = engine().apply(new Plugin.Engine.Source.ForFolder(classes.toFile()),
        new Plugin.Engine.Target.ForFolder(Files.createDirectories(dir.resolve("bad-out")).toFile()),
        List.of(new Plugin.Factory.Simple(new MemoizePlugin())));
    List<Throwable> errors = s.getFailed().values().iterator().next();
    assertEquals("@Memoize on q.Bad#log(java.lang.String) cannot work: it returns void, so there is no result"
        + " to store; @Memoize on q.Bad#lines(java.lang.String) cannot work: it returns a Stream, which is"
        + " consumed by reading it; return a List or an array instead", errors.get(0).getMessage());
  }
}
