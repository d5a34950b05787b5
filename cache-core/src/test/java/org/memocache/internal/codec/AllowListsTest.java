package org.memocache.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memocache.internal.codec.fixture.Measurement;
import org.memocache.internal.codec.fixture.Shape;
import org.memocache.spi.ClassFilter;

class AllowListsTest {

  interface Signatures {
    List<Measurement> listOfMeasurements();

    Map<String, ? extends Shape> shapes();

    Measurement[] array();
  }

  private static Type returnType(String method) throws NoSuchMethodException {
    return Signatures.class.getMethod(method).getGenericReturnType();
  }

  @Test
  void jdkValueTypes_admitted_otherJdkClasses_not() {
    ClassFilter f = AllowLists.forMethod(null, List.of());
    for (String ok : List.of("java.lang.Integer", "java.lang.String", "java.math.BigDecimal",
        "java.time.LocalDate", "java.time.ZoneRegion", "java.util.ArrayList", "java.util.HashMap",
        "java.util.ImmutableCollections$ListN", "java.util.Collections$UnmodifiableRandomAccessList",
        "java.util.Optional", "java.util.UUID", "java.util.RegularEnumSet")) {
      assertTrue(f.admits(ok), ok);
    }
    for (String no : List.of("java.lang.Runtime", "java.lang.ProcessBuilder", "java.lang.Thread",
        "java.io.File", "java.net.URLClassLoader", "javax.script.ScriptEngineManager",
        "java.util.ServiceLoader", "com.sun.rowset.JdbcRowSetImpl", "org.memocache.internal.codec.fixture.Bait1")) {
      assertFalse(f.admits(no), no);
    }
  }

  @Test
  void declaredType_admitsItsPackage_andPackagesOfReachableFieldTypes() throws Exception {
    ClassFilter f = AllowLists.forMethod(returnType("listOfMeasurements"), List.of());
    assertTrue(f.admits("org.memocache.internal.codec.fixture.Measurement"));
    assertTrue(f.admits("org.memocache.internal.codec.deep.Calibration"), "field type of a component");
    assertFalse(f.admits("org.memocache.testing.outside.Evil1"));
    assertFalse(f.admits("org.memocache.internal.codec.fixture.sub.X"), "derived packages are exact");
  }

  @Test
  void sealedType_admitsWhatItsPermittedSubclassesReach() throws Exception {
    ClassFilter f = AllowLists.forMethod(returnType("shapes"), List.of());
    assertTrue(f.admits("org.memocache.internal.codec.fixture.Circle"));
    assertTrue(f.admits("org.memocache.internal.codec.viasealed.Tolerance"));
  }

  @Test
  void arrayReturnType_admitsElementPackage() throws Exception {
    ClassFilter f = AllowLists.forMethod(returnType("array"), List.of());
    assertTrue(AllowLists.admits(f, "[Lorg.memocache.internal.codec.fixture.Measurement;"));
    assertTrue(AllowLists.admits(f, "[[D"), "primitive arrays always");
    assertFalse(AllowLists.admits(f, "[Lorg.memocache.internal.codec.outside.Evil1;"));
  }

  @Test
  void configuredPrefixes_matchWholeNameSegments() {
    ClassFilter f = AllowLists.forMethod(null, List.of("com.acme", "org.x.Model"));
    assertTrue(f.admits("com.acme.Fit"));
    assertTrue(f.admits("com.acme.fit.Model$Part"));
    assertFalse(f.admits("com.acmex.Evil"));
    assertTrue(f.admits("org.x.Model"));
    assertTrue(f.admits("org.x.Model$Inner"));
    assertFalse(f.admits("org.x.ModelEvil"));
    assertFalse(f.admits("com.acme.Fit$$Lambda/0x1234"), "lambdas never");
  }

  @Test
  void elementName_unwrapsArrays() {
    assertEquals("a.B", AllowLists.elementName("a.B"));
    assertEquals("a.B", AllowLists.elementName("[[La.B;"));
    assertNull(AllowLists.elementName("[I"));
    assertNull(AllowLists.elementName("[[D"));
  }

  @Test
  void platformDeclaredTypes_doNotAdmitTheirPackage() throws Exception {
    ClassFilter f = AllowLists.forMethod(Thread.class, List.of());
    assertFalse(f.admits("java.lang.Runtime"));
  }
}
