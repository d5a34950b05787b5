package org.memocache.annotations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.FileInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Scanner;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The key type table, on names (as the processor asks) and on run-time classes (as the encoder asks). */
class KeyTypeRulesTest {

  record Point(int x, int y) {}

  enum Mode implements Comparator<String> {
    FAST;

    @Override
    public int compare(String a, String b) {
      return a.compareTo(b);
    }
  }

  static final class Square implements Function<Double, Double> {
    @Override
    public Double apply(Double x) {
      return x * x;
    }
  }

  static final class Plain {
    int n;
  }

  private static KeyType builtIn(KeyRule rule) {
    return new KeyType.BuiltIn(rule);
  }

  private static String reason(KeyType type) {
    return assertInstanceOf(KeyType.Unhashable.class, type).reason();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "int, PRIMITIVE", "double, PRIMITIVE", "java.lang.Integer, BOX", "java.lang.Double, BOX",
      "java.lang.String, STRING", "java.lang.StringBuilder, CHARS", "java.lang.Class, CLASS",
      "java.math.BigInteger, BIG_INTEGER", "java.math.BigDecimal, BIG_DECIMAL",
      "java.util.UUID, UUID", "java.time.Instant, TIME", "java.time.LocalDate, TIME",
      "java.net.URI, STRING_FORM", "java.util.Locale, STRING_FORM", "java.util.Optional, OPTIONAL",
      "java.util.OptionalDouble, OPTIONAL", "java.util.List, LIST", "java.util.Set, SET",
      "java.util.Map, MAP", "java.util.Map$Entry, MAP_ENTRY", "java.util.Collection, COLLECTION",
      "java.nio.file.Path, PATH", "java.io.File, FILE", "int[], PRIMITIVE_ARRAY",
      "[D, PRIMITIVE_ARRAY", "java.lang.String[], ARRAY", "[Ljava.lang.String;, ARRAY",
      "[[D, ARRAY", "double[][], ARRAY"})
  void exactNames_haveTheirRule(String name, KeyRule rule) {
    assertEquals(builtIn(rule), KeyTypeRules.classify(name));
  }

  @Test
  void runtimeClasses_areJudgedWithTheirSupertypes() {
    assertEquals(builtIn(KeyRule.LIST), KeyTypeRules.classify(ArrayList.class));
    assertEquals(builtIn(KeyRule.SET), KeyTypeRules.classify(TreeSet.class));
    assertEquals(builtIn(KeyRule.MAP), KeyTypeRules.classify(HashMap.class));
    assertEquals(builtIn(KeyRule.COLLECTION), KeyTypeRules.classify(ArrayDeque.class));
    assertEquals(builtIn(KeyRule.MAP_ENTRY), KeyTypeRules.classify(AbstractMap.SimpleEntry.class));
    assertEquals(builtIn(KeyRule.MAP_ENTRY), KeyTypeRules.classify(Map.entry(1, 2).getClass()));
    assertEquals(builtIn(KeyRule.PATH), KeyTypeRules.classify(Path.of("x").getClass()));
    assertEquals(builtIn(KeyRule.FILE), KeyTypeRules.classify(File.class));
    assertEquals(builtIn(KeyRule.TIME), KeyTypeRules.classify(ZoneId.of("Europe/Paris").getClass()));
    assertEquals(builtIn(KeyRule.STRING_FORM),
        KeyTypeRules.classify(java.nio.charset.StandardCharsets.UTF_8.getClass()));
    assertEquals(builtIn(KeyRule.BUFFER), KeyTypeRules.classify(ByteBuffer.allocateDirect(8).getClass()));
    assertEquals(builtIn(KeyRule.BIG_DECIMAL), KeyTypeRules.classify(BigDecimal.class));
    assertEquals(builtIn(KeyRule.OPTIONAL), KeyTypeRules.classify(Optional.class));
    assertEquals(builtIn(KeyRule.RECORD), KeyTypeRules.classify(Point.class));
    assertEquals(builtIn(KeyRule.ENUM), KeyTypeRules.classify(Mode.class));
    assertEquals(builtIn(KeyRule.PRIMITIVE), KeyTypeRules.classify(int.class));
    assertEquals(builtIn(KeyRule.BOX), KeyTypeRules.classify(Integer.class));
    assertEquals(builtIn(KeyRule.PRIMITIVE_ARRAY), KeyTypeRules.classify(long[].class));
    assertEquals(builtIn(KeyRule.ARRAY), KeyTypeRules.classify(double[][].class));
    assertEquals(builtIn(KeyRule.ARRAY), KeyTypeRules.classify(Point[].class));
    assertEquals(builtIn(KeyRule.ARRAY), KeyTypeRules.classify(Integer[].class));
    assertEquals(KeyType.Walk.INSTANCE, KeyTypeRules.classify(Plain.class));
    assertEquals(KeyType.Walk.INSTANCE, KeyTypeRules.classify(Object.class));
  }

  @Test
  void firstDeclaredRuleWins_whenSeveralMatch() {
    // An enum that is also a Comparator is an enum; a list that is also a collection is a list.
    assertEquals(builtIn(KeyRule.ENUM), KeyTypeRules.classify(
        List.of("com.acme.Mode", "java.util.Comparator", "java.lang.Enum", "java.lang.Object")));
    assertEquals(builtIn(KeyRule.LIST), KeyTypeRules.classify(
        List.of("com.acme.Names", "java.util.Collection", "java.util.List")));
  }

  @Test
  void liveObjects_areUnhashable_withAReasonSayingWhatToPass() {
    assertEquals("a Stream is consumed when read: pass a List or an array",
        reason(KeyTypeRules.classify(Stream.of(1).getClass())));
    assertEquals("a Stream is consumed when read: pass a List or an array",
        reason(KeyTypeRules.classify(IntStream.class)));
    assertEquals("an Iterator is consumed when read: pass a List or an array",
        reason(KeyTypeRules.classify(List.of(1).iterator().getClass())));
    assertEquals("an Iterator is consumed when read: pass a List or an array",
        reason(KeyTypeRules.classify(Scanner.class)));
    assertTrue(reason(KeyTypeRules.classify(FileInputStream.class))
        .startsWith("an InputStream is consumed when read: pass a Path"));
    assertTrue(reason(KeyTypeRules.classify(StringReader.class)).startsWith("a Reader is consumed"));
    assertTrue(reason(KeyTypeRules.classify(System.out.getClass()))
        .startsWith("an OutputStream is where the method writes"));
    assertTrue(reason(KeyTypeRules.classify(CompletableFuture.class)).startsWith("a Future coordinates threads"));
    assertTrue(reason(KeyTypeRules.classify(Thread.class)).startsWith("a Thread coordinates threads"));
    assertTrue(reason(KeyTypeRules.classify(java.util.concurrent.ThreadPoolExecutor.class))
        .startsWith("an Executor coordinates threads"));
    assertTrue(reason(KeyTypeRules.classify(java.util.concurrent.locks.ReentrantLock.class))
        .startsWith("a Lock coordinates threads"));
    assertTrue(reason(KeyTypeRules.classify(java.lang.ref.SoftReference.class))
        .startsWith("a Reference may be cleared"));
    assertTrue(reason(KeyTypeRules.classify(ClassLoader.getSystemClassLoader().getClass()))
        .startsWith("a ClassLoader is part of the running JVM"));
    assertTrue(reason(KeyTypeRules.classify(java.util.logging.Logger.class))
        .startsWith("a Logger does not change a result"));
    assertTrue(reason(KeyTypeRules.classify(System.getLogger("x").getClass()))
        .startsWith("a Logger does not change a result"));
    assertTrue(reason(KeyTypeRules.classify("java.sql.Connection")).startsWith("a Connection is an open handle"));
    assertTrue(reason(KeyTypeRules.classify(java.time.Clock.systemUTC().getClass()))
        .startsWith("a Clock yields different values on every run"));
    assertEquals("java.util.stream.BaseStream",
        ((KeyType.Unhashable) KeyTypeRules.classify(IntStream.range(0, 1).getClass())).matched());
  }

  @Test
  void lambdas_areUnhashable_namedImplementationsAreWalked() {
    Function<Double, Double> lambda = x -> x * x;
    IntSupplier reference = "abc"::length;
    assertTrue(reason(KeyTypeRules.classify(lambda.getClass()))
        .startsWith("a lambda or method reference cannot be hashed"));
    assertTrue(reason(KeyTypeRules.classify(reference.getClass()))
        .startsWith("a lambda or method reference cannot be hashed"));
    assertEquals(KeyType.Walk.INSTANCE, KeyTypeRules.classify(Square.class));
  }

  @Test
  void declaredFunctionalInterfaces_areFunctionLike() {
    for (String name : List.of("java.util.function.Function", "java.util.function.IntBinaryOperator",
        "java.lang.Runnable", "java.util.concurrent.Callable", "java.util.Comparator")) {
      KeyType.FunctionLike f = assertInstanceOf(KeyType.FunctionLike.class, KeyTypeRules.classify(name));
      assertEquals(name, f.interfaceName());
    }
    assertEquals(KeyType.Walk.INSTANCE, KeyTypeRules.classify("java.util.function.sub.NotFunctional"));
    assertTrue(KeyTypeRules.functional("com.acme.Kernel").advice()
        .contains("a named class implementing Kernel is hashed by its fields"));
  }

  @Test
  void arrays_followTheirComponents() {
    assertEquals("its elements cannot be hashed (a Stream is consumed when read: pass a List or an"
        + " array)", reason(KeyTypeRules.classify(Stream[].class)));
    assertTrue(reason(KeyTypeRules.classify("[Ljava.util.Iterator;")).startsWith("its elements"));
    assertInstanceOf(KeyType.FunctionLike.class, KeyTypeRules.classify("java.lang.Runnable[]"));
    assertThrows(IllegalArgumentException.class, () -> KeyTypeRules.classify("[Q"));
  }

  @Test
  void rejectedReturns() {
    assertTrue(KeyTypeRules.rejectedReturn(List.of("void")).orElseThrow()
        .startsWith("there is no result to cache"));
    assertTrue(KeyTypeRules.rejectedReturn(Void.class).orElseThrow()
        .startsWith("there is no result to cache"));
    assertEquals("a Stream is consumed when read, so a stored one would be empty: return a List or"
        + " an array", KeyTypeRules.rejectedReturn(Stream.class).orElseThrow());
    assertTrue(KeyTypeRules.rejectedReturn(FileInputStream.class).orElseThrow()
        .startsWith("an InputStream is consumed when read and cannot be stored"));
    assertTrue(KeyTypeRules.rejectedReturn(Stream[].class).orElseThrow()
        .startsWith("its elements cannot be stored (a Stream"));
    assertEquals(Optional.empty(), KeyTypeRules.rejectedReturn(double[].class));
    assertEquals(Optional.empty(), KeyTypeRules.rejectedReturn(Point.class));
    assertEquals(Optional.empty(), KeyTypeRules.rejectedReturn(List.of("java.util.List")));
    assertEquals(Optional.empty(), KeyTypeRules.rejectedReturn(Function.class));
  }

  @Test
  void badArguments_areNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeyTypeRules.classify(List.of()));
    assertEquals("typeAndSupertypes must name at least the type itself", e.getMessage());
  }

  @Test
  void typeAndSupertypes_isBreadthFirst_selfFirst() {
    List<String> names = KeyTypeRules.typeAndSupertypes(ArrayList.class);
    assertEquals("java.util.ArrayList", names.get(0));
    assertTrue(names.containsAll(List.of("java.util.AbstractList", "java.util.List",
        "java.util.Collection", "java.lang.Iterable", "java.lang.Object")), names::toString);
    assertEquals(names.size(), names.stream().distinct().count());
  }

  @Test
  void progress_isInjected_byExactName() {
    assertTrue(KeyTypeRules.isInjected("org.memocache.partial.Progress"));
    assertFalse(KeyTypeRules.isInjected("com.acme.Progress"));
    assertFalse(KeyTypeRules.isInjected("org.memocache.ProgressListener"));
  }
}
