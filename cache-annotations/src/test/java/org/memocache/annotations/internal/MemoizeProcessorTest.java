package org.memocache.annotations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import javax.annotation.processing.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processor's diagnostics: each error and warning with its exact text and the source position
 * it points at, on snippets compiled by the system compiler. The index is covered by {@link
 * MethodsIndexTest}.
 */
class MemoizeProcessorTest {

  /** Four lines, so that member line {@code n} of {@link #sim} is line {@code 4 + n} of the file. */
  private static final String HEADER = """
      package com.acme;
      import org.memocache.annotations.Memoize;
      import java.io.*; import java.nio.file.Path; import java.util.*; import java.util.function.*; import java.util.stream.*;
      public class Sim {
      """;

  @TempDir Path classes;

  private static Map<String, String> sim(String members) {
    return Map.of("com.acme.Sim", HEADER + members + "\n}\n");
  }

  private TestCompiler.Result compile(String members) throws Exception {
    return TestCompiler.compile(classes, sim(members));
  }

  private static void assertAt(TestCompiler.Diag d, long line, String atStart) {
    assertEquals(line, d.line(), () -> "line of " + d);
    assertTrue(d.at().startsWith(atStart), () -> "expected the diagnostic at '" + atStart
        + "' but it points at '" + d.at() + "': " + d);
  }

  @Test
  void validMethods_compileWithoutDiagnostics() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static double[] simulate(int n, long seed) { return new double[n]; }
          @Memoize(version = 3, name = "fit", expireAfter = "P30D", tiers = Memoize.Tier.MEMORY)
          public String fit(List<String> xs, Map<String, Integer> m, Optional<Path> p) { return ""; }
          @Memoize static int hash(@Memoize.ByContent Path p, @Memoize.ByContent File f) { return 0; }
          @Memoize static int quiet(int n, @Memoize.Ignore Consumer<String> progress, @Memoize.Ignore Stream<String> log) { return n; }
          record Opts(int n, String name, double[] data) {}
          enum Mode { FAST, EXACT }
          @Memoize static long run(Opts o, Mode m, Object any, java.math.BigDecimal d, java.time.Instant t) { return 0; }
          interface Model { @Memoize default double score(double[] x) { return 0; } }
          @Memoize @SuppressWarnings("memocache") static int lambda(Function<String, String> f) { return 0; }
        """);
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(List.of(), r.diagnostics());
  }

  @Test
  void voidMethod_isErrorOnTheMethod() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static void log(String s) {}
        """);
    assertFalse(r.success());
    TestCompiler.Diag d = r.onlyError();
    assertEquals("@Memoize log(String): cannot return void: there is no result to cache, and a"
        + " cache hit would skip the method's side effects: return the result, or do not memoize"
        + " the method", d.message());
    assertAt(d, 5, "log(String s)");
  }

  @Test
  void writesIntoParameters_areWarnedOnTheParameter() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static double[][] invert(double[][] a, double[][] inv) { inv[0][1] = -a[0][1]; return inv; }
          static class P { double x; }
          @Memoize static int shift(P p, int[] counts, long[] out, double[] sorted) {
            p.x += 1; counts[0]++; System.arraycopy(out, 0, out, 1, 1); Arrays.sort(sorted); return 0; }
          @Memoize static double pure(double[] xs, double[] out) { double[] copy = xs.clone(); copy[0] = 1; out = copy; return copy[0]; }
          @Memoize static double shadowed(double[] xs) { Runnable r = () -> { double[] xs2 = new double[1]; xs2[0] = 1; }; return xs[0]; }
          @Memoize @SuppressWarnings("memocache") static double quiet(double[] out) { out[0] = 1; return 1; }
        """);
    assertTrue(r.success(), r.diagnostics()::toString);
    List<TestCompiler.Diag> w = r.diagnostics();
    assertEquals(5, w.size(), w::toString);
    assertEquals("@Memoize invert(double[][], double[][]): writes into its parameter 'inv' (inv[0][1] = -a[0][1]):"
        + " a cache hit would skip that write and leave the caller's argument unchanged; return the result"
        + " instead (at run time MemoCache stops memoizing a method once it sees it change an argument)",
        w.get(0).message());
    assertAt(w.get(0), 5, "inv)");
    assertTrue(w.get(1).message().startsWith("@Memoize shift(Sim.P, int[], long[], double[]): writes into its"
        + " parameter 'p' (p.x += 1)"), w.get(1)::toString);
    assertTrue(w.get(2).message().contains("parameter 'counts' (counts[0]++)"), w.get(2)::toString);
    assertTrue(w.get(3).message().contains("parameter 'out' (System.arraycopy(out, 0, out, 1, 1))"),
        w.get(3)::toString);
    assertTrue(w.get(4).message().contains("parameter 'sorted' (Arrays.sort(sorted))"), w.get(4)::toString);
  }

  @Test
  void constructor_isRejected() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize Sim() {}
        """);
    assertFalse(r.success());
    // The annotation's @Target already excludes constructors: javac rejects it before processing.
    assertTrue(r.onlyError().message().contains("not applicable"), r.diagnostics()::toString);
    assertAt(r.onlyError(), 5, "@Memoize Sim()");
  }

  @Test
  void methodsWithoutBody_areErrors() throws Exception {
    TestCompiler.Result r = compile("""
          static abstract class Base {
            @Memoize abstract int size();
            @Memoize native int peek();
          }
          interface Shape {
            @Memoize double area();
          }
        """);
    assertFalse(r.success());
    List<TestCompiler.Diag> errors = r.errors();
    assertEquals(3, errors.size(), r.diagnostics()::toString);
    assertEquals("@Memoize size(): an abstract method has no body to memoize: annotate the"
        + " implementing methods", errors.get(0).message());
    assertAt(errors.get(0), 6, "size()");
    assertEquals("@Memoize peek(): a native method has no bytecode to weave: memoize a Java method"
        + " that calls it", errors.get(1).message());
    assertAt(errors.get(1), 7, "peek()");
    assertEquals("@Memoize area(): an interface method without a body has nothing to memoize:"
        + " annotate the implementing methods, or give it a default body", errors.get(2).message());
    assertAt(errors.get(2), 10, "area()");
  }

  @Test
  void streamParameter_isErrorOnTheParameter() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int count(int n, Stream<String> lines) { return n; }
        """);
    TestCompiler.Diag d = r.onlyError();
    assertEquals("@Memoize count(int, Stream<String>): parameter 'lines' (Stream<String>) cannot be"
        + " part of a cache key: a Stream is consumed when read: pass a List or an array; mark the"
        + " parameter @Memoize.Ignore if it does not change the result", d.message());
    assertAt(d, 5, "lines)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "IntStream                                  | a Stream is consumed when read",
      "Iterator<String>                           | an Iterator is consumed when read",
      "Spliterator<String>                        | a Spliterator is consumed when read",
      "Enumeration<String>                        | an Enumeration is consumed when read",
      "Scanner                                    | an Iterator is consumed when read",
      "FileInputStream                            | an InputStream is consumed when read: pass a Path",
      "BufferedReader                             | a Reader is consumed when read",
      "PrintStream                                | an OutputStream is where the method writes",
      "RandomAccessFile                           | a RandomAccessFile is an open handle",
      "java.nio.channels.FileChannel              | a Channel is an open handle",
      "java.net.Socket                            | a Socket is an open handle",
      "java.sql.Connection                        | a Connection is an open handle",
      "java.sql.PreparedStatement                 | a Statement is an open handle",
      "Thread                                     | a Thread coordinates threads",
      "ThreadLocal<String>                        | a ThreadLocal coordinates threads",
      "java.util.concurrent.ExecutorService       | an Executor coordinates threads",
      "java.util.concurrent.CompletableFuture<String> | a Future coordinates threads",
      "java.util.concurrent.locks.ReentrantLock   | a Lock coordinates threads",
      "java.lang.ref.WeakReference<String>        | a Reference may be cleared",
      "ClassLoader                                | a ClassLoader is part of the running JVM",
      "java.util.logging.Logger                   | a Logger does not change a result: mark the parameter @Memoize.Ignore",
      "java.time.Clock                            | a Clock yields different values on every run",
  })
  void unhashableParameterTypes_areErrors(String type, String reason) throws Exception {
    TestCompiler.Result r = compile("  @Memoize static int f(int n, " + type + " x) { return n; }");
    TestCompiler.Diag d = r.onlyError();
    assertTrue(d.message().contains("parameter 'x' (") && d.message().contains(
        ") cannot be part of a cache key: " + reason), d::toString);
    assertAt(d, 5, "x)");
  }

  @Test
  void ignoredParameter_isNotChecked() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int f(int n, @Memoize.Ignore Thread t, @Memoize.Ignore Iterator<String> it) { return n; }
        """);
    assertEquals(List.of(), r.diagnostics());
  }

  /**
   * A {@code org.memocache.partial.Progress} parameter is injected per call and never part of the key, so it
   * is not checked, with or without {@code @Memoize.Ignore}. The stub below extends
   * {@code Iterator} only to make a check visible: the same shape under another name is an error.
   */
  @Test
  void progressParameter_isNotChecked() throws Exception {
    String probe = "public interface Progress<S, C> extends java.util.Iterator<C> {}\n";
    TestCompiler.Result r = TestCompiler.compile(classes, Map.of(
        "org.memocache.partial.Progress", "package org.memocache.partial;\n" + probe,
        "com.acme.other.Progress", "package com.acme.other;\n" + probe,
        "com.acme.Sim", HEADER + """
              @Memoize static double[] sweep(int n, org.memocache.partial.Progress<Integer, double[]> progress) { return null; }
              @Memoize static double[] fake(int n, com.acme.other.Progress<Integer, double[]> progress) { return null; }
            }
            """));
    TestCompiler.Diag d = r.onlyError();
    assertTrue(d.message().startsWith("@Memoize fake(int, Progress<Integer, double[]>): parameter 'progress'"
        + " (Progress<Integer, double[]>) cannot be part of a cache key"), d::toString);
  }

  @Test
  void unhashableElementsOfContainers_areErrors() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int f(List<Stream<String>> a,
              Map<String, Iterator<String>> b,
              Optional<InputStream> c,
              Set<Map.Entry<String, Thread>> d,
              Reader[] e,
              List<List<Stream<String>>> g) { return 0; }
        """);
    List<TestCompiler.Diag> errors = r.errors();
    assertEquals(6, errors.size(), r.diagnostics()::toString);
    assertTrue(errors.get(0).message().endsWith("parameter 'a' (List<Stream<String>>) cannot be"
        + " part of a cache key: its elements (Stream<String>) cannot be hashed: a Stream is"
        + " consumed when read: pass a List or an array; mark the parameter @Memoize.Ignore if it"
        + " does not change the result"), errors.get(0)::toString);
    assertTrue(errors.get(1).message().contains("its values (Iterator<String>) cannot be hashed:"
        + " an Iterator"), errors.get(1)::toString);
    assertTrue(errors.get(2).message().contains("its content (InputStream) cannot be hashed: an"
        + " InputStream"), errors.get(2)::toString);
    assertTrue(errors.get(3).message().contains("the value of its elements (Thread) cannot be"
        + " hashed: a Thread"), errors.get(3)::toString);
    assertTrue(errors.get(4).message().contains("parameter 'e' (Reader[]) cannot be part of a"
        + " cache key: its elements cannot be hashed (a Reader is consumed"), errors.get(4)::toString);
    assertTrue(errors.get(5).message().contains("the elements of its elements (Stream<String>)"),
        errors.get(5)::toString);
    for (int i = 0; i < 6; i++) {
      assertAt(errors.get(i), 5 + i, String.valueOf("abcdeg".charAt(i)));
    }
  }

  @Test
  void typeVariableBoundedByStream_isError() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static <S extends Stream<String>> int f(S s) { return 0; }
          @Memoize static <T> int g(T t) { return 0; }
        """);
    TestCompiler.Diag d = r.onlyError();
    assertTrue(d.message().startsWith("@Memoize f(S): parameter 's' (S) cannot be part of a cache"
        + " key: a Stream is consumed when read"), d::toString);
  }

  @Test
  void functionalParameter_isWarning() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int apply(Function<String, Integer> f) { return 0; }
        """);
    assertTrue(r.success());
    TestCompiler.Diag d = r.onlyWarning();
    assertEquals("@Memoize apply(Function<String, Integer>): parameter 'f' (Function<String,"
        + " Integer>) is a functional interface: a call passing a lambda or method reference is not"
        + " memoized (it computes, with a warning at run time) because what a lambda captures is"
        + " invisible to the key; a named class implementing Function is hashed by its fields."
        + " Mark the parameter @Memoize.Ignore if it does not change the result", d.message());
    assertAt(d, 5, "f)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Runnable", "java.util.concurrent.Callable<String>", "Comparator<String>",
      "Supplier<String>", "IntBinaryOperator", "Kernel", "List<Runnable>"})
  void functionalInterfaces_areWarned(String type) throws Exception {
    TestCompiler.Result r = compile("  @FunctionalInterface interface Kernel { double at(double x); }\n"
        + "  @Memoize static int f(" + type + " x) { return 0; }");
    assertTrue(r.success());
    assertTrue(r.onlyWarning().message().contains("functional interface"), r.diagnostics()::toString);
    assertAt(r.onlyWarning(), 6, "x)");
  }

  @Test
  void namedImplementationOfFunctionalInterface_isNotWarned() throws Exception {
    TestCompiler.Result r = compile("""
          static final class Square implements DoubleUnaryOperator {
            public double applyAsDouble(double x) { return x * x; }
          }
          @Memoize static double integrate(Square f) { return 0; }
        """);
    assertEquals(List.of(), r.diagnostics());
  }

  @Test
  void suppressWarnings_onMethodOrClass_silencesWarnings() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize @SuppressWarnings("memocache") static int a(Runnable r) { return 0; }
          @SuppressWarnings("memocache") static class Quiet {
            @Memoize static int b(Runnable r) { return 0; }
          }
          @Memoize static int c(@SuppressWarnings("memocache") Runnable r) { return 0; }
        """);
    assertEquals(List.of(), r.diagnostics());
  }

  @Test
  void byContentOnNonPath_isError() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int load(@Memoize.ByContent String file) { return 0; }
        """);
    TestCompiler.Diag d = r.onlyError();
    assertEquals("@Memoize load(String): parameter 'file' (String) is marked @Memoize.ByContent,"
        + " which applies only to java.nio.file.Path and java.io.File parameters", d.message());
    assertAt(d, 5, "file)");
  }

  @Test
  void byContentOnIgnoredParameter_isWarning() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int load(@Memoize.Ignore @Memoize.ByContent Path file) { return 0; }
        """);
    TestCompiler.Diag d = r.onlyWarning();
    assertEquals("@Memoize load(Path): parameter 'file' (Path) is marked both @Memoize.Ignore and"
        + " @Memoize.ByContent: it is left out of the key, so ByContent has no effect", d.message());
    assertAt(d, 5, "@Memoize.ByContent");
  }

  @Test
  void parameterAnnotationsWithoutMemoize_areWarned() throws Exception {
    TestCompiler.Result r = compile("""
          static int plain(@Memoize.Ignore Runnable r, @Memoize.ByContent Path p) { return 0; }
        """);
    assertTrue(r.success());
    List<TestCompiler.Diag> warnings = r.warnings();
    assertEquals(2, warnings.size(), r.diagnostics()::toString);
    assertEquals("@Memoize.Ignore on parameter 'r' of plain(Runnable, Path) has no effect: the"
        + " method is not annotated @Memoize", warnings.get(0).message());
    assertAt(warnings.get(0), 5, "@Memoize.Ignore");
    assertEquals("@Memoize.ByContent on parameter 'p' of plain(Runnable, Path) has no effect: the"
        + " method is not annotated @Memoize", warnings.get(1).message());
    assertAt(warnings.get(1), 5, "@Memoize.ByContent");
  }

  @ParameterizedTest
  @ValueSource(strings = {"30 days", "P1M", "P1Y", "1h", "PT", "P30"})
  void expireAfterNotADuration_isErrorQuotingTheValue(String value) throws Exception {
    TestCompiler.Result r = compile("  @Memoize(expireAfter = \"" + value + "\") static int f() { return 0; }");
    TestCompiler.Diag d = r.onlyError();
    assertEquals("@Memoize f(): expireAfter = \"" + value + "\" is not an ISO-8601 duration; write"
        + " days and smaller units, such as \"PT12H\" or \"P30D\" (months and years vary in length"
        + " and are not accepted)", d.message());
    assertAt(d, 5, "\"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "-PT1H", "P-1D"})
  void expireAfterNotPositive_isError(String value) throws Exception {
    TestCompiler.Result r = compile("  @Memoize(expireAfter = \"" + value + "\") static int f() { return 0; }");
    assertEquals("@Memoize f(): expireAfter = \"" + value + "\" must be a positive duration",
        r.onlyError().message());
    assertAt(r.onlyError(), 5, "\"" + value + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT12H", "P30D", "PT0.5S", "P2DT3H4M"})
  void expireAfterValid_isAccepted(String value) throws Exception {
    TestCompiler.Result r = compile("  @Memoize(expireAfter = \"" + value + "\") static int f() { return 0; }");
    assertEquals(List.of(), r.diagnostics());
  }

  @Test
  void invalidAttributes_areErrorsOnTheValue() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize(version = -1) static int a() { return 0; }
          @Memoize(name = "  ") static int b() { return 0; }
          @Memoize(name = "x\\ty") static int c() { return 0; }
          @Memoize(tiers = {}) static int d() { return 0; }
        """);
    List<TestCompiler.Diag> errors = r.errors();
    assertEquals(4, errors.size(), r.diagnostics()::toString);
    assertEquals("@Memoize a(): version = -1 must not be negative (bump it upwards to invalidate"
        + " old results)", errors.get(0).message());
    assertAt(errors.get(0), 5, "-1");
    assertEquals("@Memoize b(): name = \"  \" must not be blank; leave it out for the default"
        + " Class#method", errors.get(1).message());
    assertAt(errors.get(1), 6, "\"  \"");
    assertEquals("@Memoize c(): name = \"x\\ty\" must not contain tabs, line breaks or other"
        + " control characters", errors.get(2).message());
    assertAt(errors.get(2), 7, "\"x\\ty\"");
    assertEquals("@Memoize d(): tiers = {} must name at least one tier (Memoize.Tier.MEMORY,"
        + " Memoize.Tier.STORED)", errors.get(3).message());
    assertAt(errors.get(3), 8, "{}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Stream<String>      | a Stream is consumed when read, so a stored one would be empty: return a List or an array",
      "IntStream           | a Stream is consumed when read, so a stored one would be empty",
      "Iterator<String>    | an Iterator is consumed when read, so a stored one would be empty",
      "Spliterator<String> | a Spliterator is consumed when read",
      "InputStream         | an InputStream is consumed when read and cannot be stored: return a byte[] or a String",
      "BufferedReader      | a Reader is consumed when read and cannot be stored",
      "java.util.concurrent.Future<String> | a Future coordinates threads and cannot be stored",
      "Stream<String>[]    | its elements cannot be stored (a Stream is consumed when read",
      "Void                | there is no result to cache",
  })
  void streamLikeReturnTypes_areErrors(String type, String reason) throws Exception {
    TestCompiler.Result r = compile("  @Memoize static " + type + " open(int n) { return null; }");
    TestCompiler.Diag d = r.onlyError();
    assertTrue(d.message().startsWith("@Memoize open(int): cannot return "
        + type.replace("java.util.concurrent.", "") + ": " + reason), d::toString);
    assertAt(d, 5, "open(int n)");
  }

  @Test
  void futureReturns_ofStorableValues_compileWithoutDiagnostics() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static java.util.concurrent.CompletableFuture<double[]> fit(int n) { return null; }
          @Memoize static java.util.concurrent.CompletionStage<List<String>> names(int n) { return null; }
          @Memoize static java.util.concurrent.CompletableFuture<? extends Number> count(int n) { return null; }
        """);
    assertTrue(r.success(), r.diagnostics()::toString);
    assertEquals(List.of(), r.diagnostics());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "java.util.concurrent.CompletableFuture<Stream<String>> | the value it completes with cannot be stored (a Stream"
          + " is consumed when read",
      "java.util.concurrent.CompletionStage<Void> | the value it completes with cannot be stored (there is no result",
      "java.util.concurrent.Future<String> | a Future coordinates threads and cannot be stored: memoize the method that"
          + " computes the value, or return a CompletableFuture or a CompletionStage, whose value is stored once it"
          + " completes",
      "java.util.concurrent.FutureTask<String> | a Future coordinates threads and cannot be stored",
  })
  void futureReturns_thatCannotBeStored_areErrors(String type, String reason) throws Exception {
    TestCompiler.Result r = compile("  @Memoize static " + type + " open(int n) { return null; }");
    TestCompiler.Diag d = r.onlyError();
    assertTrue(d.message().startsWith("@Memoize open(int): cannot return "
        + type.replace("java.util.concurrent.", "") + ": " + reason), d::toString);
  }

  @Test
  void functionalReturn_isWarnedWhenStoredOnDisk() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static Supplier<String> onDisk(int n) { return null; }
          @Memoize(tiers = Memoize.Tier.MEMORY) static Supplier<String> inMemory(int n) { return null; }
        """);
    TestCompiler.Diag d = r.onlyWarning();
    assertEquals("@Memoize onDisk(int): returns a functional interface (Supplier<String>): a"
        + " lambda result can be kept in the memory tier only, storing it on disk fails at run"
        + " time; use tiers = Memoize.Tier.MEMORY, or return data", d.message());
    assertEquals(5, d.line());
  }

  @Test
  void unhashableReceiver_isError_unlessStateless() throws Exception {
    TestCompiler.Result r = compile("""
          static class Worker extends Thread {
            @Memoize int work(int n) { return n; }
            @Memoize(stateless = true) int free(int n) { return n; }
            @Memoize static int shared(int n) { return n; }
          }
          @Memoize.Stateless static class Pool extends Thread {
            @Memoize int work(int n) { return n; }
          }
        """);
    TestCompiler.Diag d = r.onlyError();
    assertEquals("@Memoize work(int): the receiver (this Sim.Worker) cannot be part of a cache key:"
        + " a Thread coordinates threads and is not an input value; declare @Memoize(stateless ="
        + " true), or @Memoize.Stateless on the class, if its state does not change the result",
        d.message());
    assertAt(d, 6, "work(int n)");
  }

  @Test
  void statelessOnStaticMethod_isWarning() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize(stateless = true) static int f(int n) { return n; }
        """);
    assertEquals("@Memoize f(int): stateless = true has no effect on a static method",
        r.onlyWarning().message());
  }

  @Test
  void unhashableRecordComponent_isWarning() throws Exception {
    TestCompiler.Result r = compile("""
          record Source(String name, Stream<String> lines) {}
          record Job(Source source, int n) {}
          @Memoize static int run(Job job) { return 0; }
          record Node(int v, List<Node> children) {}
          @Memoize static int tree(Node root) { return 0; }
        """);
    assertTrue(r.success());
    TestCompiler.Diag d = r.onlyWarning();
    assertEquals("@Memoize run(Sim.Job): parameter 'job' (Sim.Job): record component 'lines' of"
        + " its record component 'source' (Stream<String>) cannot be hashed: a Stream is consumed"
        + " when read: pass a List or an array. Such calls are not memoized (they compute, with a"
        + " warning at run time) unless a KeyEncoder is registered for Sim.Source", d.message());
    assertAt(d, 7, "job)");
  }

  @Test
  void missingType_isLeftToJavac() throws Exception {
    TestCompiler.Result r = compile("""
          @Memoize static int f(com.acme.missing.Nowhere x) { return 0; }
        """);
    assertFalse(r.success());
    assertTrue(r.onlyError().message().contains("com.acme.missing"), r.diagnostics()::toString);
  }

  @Test
  void processorIsRegisteredAsAService() {
    List<String> found = ServiceLoader.load(Processor.class).stream()
        .map(p -> p.type().getName()).toList();
    assertTrue(found.contains(MemoizeProcessor.class.getName()), found::toString);
  }
}
