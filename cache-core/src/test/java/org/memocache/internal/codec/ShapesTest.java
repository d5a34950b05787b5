package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memocache.CacheKey;
import org.memocache.MethodId;
import org.memocache.internal.key.KeyEncoders;
import org.memocache.internal.key.KeyHasher;
import org.memocache.spi.ClassShape;

class ShapesTest {
  record Summary(double mean, double max) {}

  record Spread(double mean, double spread) {}

  record Holder(Summary summary, List<Summary> list) {}

  record Node(int value, Node next) {}

  static class Base {
    double scale;
  }

  static class Derived extends Base {
    double mean;
    transient double cached;
    static double shared;
  }

  static class DerivedNoBase {
    double mean;
  }

  enum Mode { FAST }

  static Summary summary() {
    return null;
  }

  static Map<String, List<Holder>> generic() {
    return null;
  }

  static Map<String, double[]> jdkOnly() {
    return null;
  }

  @Test
  void jdkTypes_primitives_andEnums_haveNoShape_arraysHaveTheirElements() {
    for (Class<?> c : List.of(String.class, double[].class, int.class, List.class, Map.class, Integer[].class)) {
      assertEquals(Shapes.NONE, Shapes.of(c), c.getName());
    }
    assertNotEquals(Shapes.NONE, Shapes.of(Mode.class), "written by name, but a class of the program");
    assertEquals(Shapes.of(Summary.class), Shapes.of(Summary[][].class));
  }

  @Test
  void shapesDifferWithComponentNames_fieldsAndSuperclassFields() {
    assertNotEquals(Shapes.of(Summary.class), Shapes.of(Spread.class));
    assertNotEquals(Shapes.of(Derived.class), Shapes.of(DerivedNoBase.class));
    assertNotEquals(Shapes.NONE, Shapes.of(Holder.class));
    assertNotEquals(Shapes.NONE, Shapes.of(Node.class), "a cycle through a field terminates");
    assertEquals(Shapes.of(Node.class), Shapes.of(Node.class));
  }

  @Test
  void declaredTypes_foldTypeArguments_jdkOnlyTypesHaveNone() throws Exception {
    Method s = ShapesTest.class.getDeclaredMethod("summary");
    Method g = ShapesTest.class.getDeclaredMethod("generic");
    Method j = ShapesTest.class.getDeclaredMethod("jdkOnly");
    assertEquals(Shapes.hash(Shapes.list(List.of(Summary.class))), Shapes.ofType(s.getGenericReturnType()));
    assertEquals(Shapes.hash(Shapes.list(List.of(Holder.class))), Shapes.ofType(g.getGenericReturnType()));
    assertEquals(Shapes.NONE, Shapes.ofType(j.getGenericReturnType()));
    assertEquals(Shapes.NONE, Shapes.ofType(null));
  }

  @Test
  void kryoReportsTheClassesItWrote_andReadsBackTheSameSet() throws Exception {
    KryoCodec codec = new KryoCodec();
    Holder value = new Holder(new Summary(1, 2), List.of(new Summary(3, 4)));
    Set<Class<?>> written = new HashSet<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(value, out, null, written);
    List<ClassShape> shapes = Shapes.list(written);
    assertEquals(List.of(Holder.class.getName(), Summary.class.getName()),
        shapes.stream().map(ClassShape::className).toList());
    Set<Class<?>> read = new HashSet<>();
    assertEquals(value, codec.decode(ByteBuffer.wrap(out.toByteArray()), c -> true, read));
    assertEquals(Shapes.hash(shapes), Shapes.hash(Shapes.list(read)));
    assertNull(Shapes.mismatch(shapes, c -> true));
    assertEquals(Summary.class.getName(),
        Shapes.mismatch(List.of(new ClassShape(Summary.class.getName(), 42)), c -> true));
    assertEquals("com.acme.Gone (missing)", Shapes.mismatch(List.of(new ClassShape("com.acme.Gone", 42)), c -> true));
    assertNull(Shapes.mismatch(List.of(new ClassShape("com.acme.Gone", 42)), c -> false), "never looked up");
  }

  @Test
  void resultShape_isPartOfTheKey_andNoShapeLeavesTheKeyUnchanged() {
    MethodId m = new MethodId("com.acme.Fit#fit", "(I)Lcom/acme/Summary;", 0, 7);
    CacheKey plain = KeyHasher.acquire(m, KeyEncoders.NONE).argument(0, "n", 5).finish(m);
    CacheKey none = KeyHasher.acquire(m, Shapes.NONE, KeyEncoders.NONE).argument(0, "n", 5).finish(m);
    CacheKey a = KeyHasher.acquire(m, Shapes.of(Summary.class), KeyEncoders.NONE).argument(0, "n", 5).finish(m);
    CacheKey b = KeyHasher.acquire(m, Shapes.of(Spread.class), KeyEncoders.NONE).argument(0, "n", 5).finish(m);
    assertEquals(plain, none);
    assertNotEquals(plain, a);
    assertNotEquals(a, b);
  }
}
