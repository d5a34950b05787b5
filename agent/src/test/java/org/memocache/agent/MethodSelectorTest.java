package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MethodSelectorTest {

  @Test
  void parse_threeForms() {
    MethodSelector all = MethodSelector.parse("com.acme.Fit#*");
    assertTrue(all.isWildcard());
    assertNull(all.parameterTypes());
    MethodSelector overloads = MethodSelector.parse(" com.acme.Pipeline#clean ");
    assertEquals(new MethodSelector("com.acme.Pipeline", "clean", null), overloads);
    MethodSelector exact = MethodSelector.parse("com.acme.Io#load(java.nio.file.Path, double[][], Outer$Inner)");
    assertEquals(List.of("java.nio.file.Path", "double[][]", "Outer$Inner"), exact.parameterTypes());
    assertEquals(List.of(), MethodSelector.parse("a.B#now()").parameterTypes());
  }

  @Test
  void toString_isTheParsableForm() {
    for (String s : List.of("com.acme.Fit#*", "com.acme.Fit#fit", "com.acme.Fit#fit(int,long)", "a.B#c()",
        "com.acme.Outer$Inner#run(java.lang.String[])")) {
      assertEquals(s, MethodSelector.parse(s).toString());
    }
  }

  @Test
  void errors_nameTheBadPart() {
    assertEquals("'com.acme.Fit' names no method: write com.acme.Fit#method, com.acme.Fit#method(int,long)"
        + " or com.acme.Fit#*", message("com.acme.Fit"));
    assertEquals("'1acme.Fit' is not a class name such as com.acme.Fit", message("1acme.Fit#fit"));
    assertEquals("'fi t' is not a method name (or *) in com.acme.Fit#fi t", message("com.acme.Fit#fi t"));
    assertEquals("'int[' is not a parameter type (such as int, double[] or java.nio.file.Path) in"
        + " com.acme.Fit#fit", message("com.acme.Fit#fit(int[)"));
    assertEquals("'a.B#c(int' has an unclosed parameter list", message("a.B#c(int"));
    assertEquals("a.B#* cannot have parameter types: * already selects every method", message("a.B#*(int)"));
  }

  private static String message(String text) {
    return assertThrows(IllegalArgumentException.class, () -> MethodSelector.parse(text)).getMessage();
  }
}
