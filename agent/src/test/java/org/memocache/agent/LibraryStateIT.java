package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Instance methods of a library class with state, named by {@code methods=}: each object gets its
 * own results; an overload whose argument cannot be hashed (a lambda) computes, with one warning;
 * {@code stateless=} leaves a receiver's irrelevant, ever-changing state out of the key.
 */
class LibraryStateIT {

  static final Map<String, String> LIB = Map.of(
      "lib/Matrix.java", """
          package lib;
          import java.util.function.DoubleUnaryOperator;
          public class Matrix {
            private final double[] diagonal;
            public Matrix(double... diagonal) { this.diagonal = diagonal.clone(); }
            public double trace() {
              System.err.println("COMPUTE trace");
              double s = 0; for (double d : diagonal) s += d; return s;
            }
            public double apply(double factor) {
              System.err.println("COMPUTE apply(double)");
              return trace() * factor;
            }
            public double apply(DoubleUnaryOperator f) {
              System.err.println("COMPUTE apply(lambda)");
              double s = 0; for (double d : diagonal) s += f.applyAsDouble(d); return s;
            }
          }
          """,
      "lib/Lookup.java", """
          package lib;
          import java.util.Random;
          public class Lookup {
            private final Random jitter = new Random(System.nanoTime());   // never used by find
            private final long createdNanos = System.nanoTime();
            public String find(int id) {
              System.err.println("COMPUTE find " + id);
              return "item-" + id;
            }
          }
          """);

  static final Map<String, String> APP = Map.of(
      "app/Main.java", """
          package app;
          import lib.Lookup;
          import lib.Matrix;
          public class Main {
            public static void main(String[] args) {
              Matrix a = new Matrix(1, 2, 3), b = new Matrix(10, 20), c = new Matrix(1, 2, 3);
              System.out.println("trace " + a.trace() + " " + b.trace() + " " + c.trace() + " " + a.trace());
              System.out.println("scaled " + a.apply(2.0) + " " + b.apply(2.0) + " " + a.apply(3.0));
              for (int i = 0; i < 3; i++) {
                int k = i;
                System.out.println("lambda " + a.apply(d -> d * k) + " " + b.apply(d -> d + k));
              }
              Lookup l = new Lookup();
              System.out.println("find " + l.find(7) + " " + l.find(7));
            }
          }
          """);

  @ParameterizedTest
  @MethodSource("org.memocache.agent.Jvm#javas")
  void objectsGetTheirOwnResultsAndLambdasCompute(String java) throws Exception {
    Path dir = Jvm.testDir("LibraryStateIT-" + (java.contains("25") ? "jdk25" : "jdk17"));
    Path libJar = Jvm.jar(Jvm.compile(dir.resolve("lib-classes"), List.of(), LIB), dir.resolve("lib.jar"));
    Path app = Jvm.compile(dir.resolve("app-classes"), List.of(libJar), APP);
    List<Path> cp = List.of(app, libJar);
    String methods = "methods=lib.Matrix#trace;lib.Matrix#apply;lib.Lookup#find";

    List<String> stateless = List.of(Jvm.agent(methods + ",stateless=lib.Lookup,dir=" + dir.resolve("cache")
        + ",weavecache=" + dir.resolve("woven")));
    Jvm.Result first = Jvm.run(java, stateless, cp, "app.Main");
    Jvm.Result second = Jvm.run(java, stateless, cp, "app.Main");

    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(List.of("trace 6.0 30.0 6.0 6.0", "scaled 12.0 60.0 18.0", "lambda 0.0 30.0",
        "lambda 6.0 32.0", "lambda 12.0 34.0", "find item-7 item-7"), first.lines(), first::toString);
    assertEquals(first.out(), second.out());
    // a and c have equal state: one computation serves both.
    assertEquals(2, first.errLines("COMPUTE trace"), first::toString);
    assertEquals(3, first.errLines("COMPUTE apply(double)"), first::toString);
    assertEquals(6, first.errLines("COMPUTE apply(lambda)"), first::toString);
    assertEquals(1, first.errLines("COMPUTE find"), first::toString);
    assertEquals(1, first.warnings("lib.Matrix#apply"), first::toString);
    assertEquals(1, first.warnings("MemoCache"), first::toString);
    assertEquals(0, second.errLines("COMPUTE trace") + second.errLines("COMPUTE apply(double)")
        + second.errLines("COMPUTE find"), second::toString);
    assertEquals(6, second.errLines("COMPUTE apply(lambda)"), second::toString);

    // Without stateless=, the receiver's Random cannot be hashed: find computes on every call,
    // and the one warning points at stateless=.
    List<String> stateful = List.of(Jvm.agent(methods + ",dir=" + dir.resolve("cache-stateful")
        + ",weavecache=" + dir.resolve("woven")));
    Jvm.Result third = Jvm.run(java, stateful, cp, "app.Main");
    assertEquals(first.out(), third.out());
    assertEquals(2, third.errLines("COMPUTE find"), third::toString);
    assertEquals(1, third.warnings("lib.Lookup#find", "stateless=lib.Lookup"), third::toString);
  }
}
