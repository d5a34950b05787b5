package org.memocache.annotations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Format, parsing and merging of the methods index, without a compiler. */
class MethodIndexTest {

  private static final MethodIndex.Entry A1 =
      new MethodIndex.Entry("com.acme.A", "f", "(I)I", 1, "com.acme.A#f");
  private static final MethodIndex.Entry A2 =
      new MethodIndex.Entry("com.acme.A", "f", "(I)I", 2, "com.acme.A#f");
  private static final MethodIndex.Entry A_G =
      new MethodIndex.Entry("com.acme.A", "g", "()[D", 0, "g");
  private static final MethodIndex.Entry B =
      new MethodIndex.Entry("com.acme.B", "h", "(Ljava/lang/String;)J", 0, "com.acme.B#h");
  private static final MethodIndex.Entry C =
      new MethodIndex.Entry("com.acme.C", "k", "()I", 0, "com.acme.C#k");

  @Test
  void format_thenParse_roundTrips_sorted() {
    String text = MethodIndex.format(List.of(B, A_G, A1));
    List<String> problems = new ArrayList<>();
    assertEquals(List.of(A1, A_G, B), MethodIndex.parse(text, problems::add));
    assertEquals(List.of(), problems);
    assertEquals("com.acme.A\tf\t(I)I\t1\tcom.acme.A#f", A1.toString());
    assertEquals("f(I)I", A1.method());
  }

  @Test
  void parse_skipsAndReportsBadLines_keepsTheRest_ignoresExtraFields() {
    List<String> problems = new ArrayList<>();
    List<MethodIndex.Entry> entries = MethodIndex.parse("# comment\n\n"
        + "com.acme.A\tf\t(I)I\t1\tcom.acme.A#f\tfuture-field\r\n"
        + "com.acme.A\tf\t(I)I\tone\tx\n"
        + "com.acme.A\tf\tI\t1\tx\n"
        + "short\tline\n", problems::add);
    assertEquals(List.of(A1), entries);
    assertEquals(List.of(
        "META-INF/memocache/methods line 4: For input string: \"one\"",
        "META-INF/memocache/methods line 5: descriptor must be a JVM method descriptor such as"
            + " (IJ)[D but was 'I'",
        "META-INF/memocache/methods line 6: expected 5 tab-separated fields (class, method,"
            + " descriptor, version, cache name) but found 2: 'short\tline'"), problems);
  }

  @Test
  void entry_rejectsFieldsThatWouldBreakTheFormat() {
    assertEquals("cacheName must not contain tabs, line breaks or other control characters but was"
        + " 'a\\tb'", assertThrows(IllegalArgumentException.class,
            () -> new MethodIndex.Entry("c", "m", "()V", 0, "a\tb")).getMessage());
    assertEquals("version must not be negative but was -1", assertThrows(
        IllegalArgumentException.class, () -> new MethodIndex.Entry("c", "m", "()V", -1, "n"))
        .getMessage());
    assertEquals("className must not be empty", assertThrows(IllegalArgumentException.class,
        () -> new MethodIndex.Entry("", "m", "()V", 0, "n")).getMessage());
  }

  @Test
  void merge_replacesRecompiledClasses_keepsExistingOthers_dropsVanished() {
    List<MethodIndex.Entry> merged = MethodIndex.merge(
        List.of(A1, A_G, B, C),
        List.of(A2),
        Set.of("com.acme.A")::contains,
        Set.of("com.acme.B")::contains);
    // A's old lines (both f v1 and g) are replaced by its fresh line; C's class is gone.
    assertEquals(List.of(A2, B), merged);
  }

  @Test
  void merge_neverDuplicates() {
    assertEquals(List.of(A2, B), MethodIndex.merge(List.of(A1, B, B), List.of(A2, A2),
        c -> false, c -> true));
  }
}
