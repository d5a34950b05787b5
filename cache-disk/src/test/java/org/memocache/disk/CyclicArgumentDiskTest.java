package org.memocache.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.memocache.Memo;

/**
 * An argument graph shaped like BioJava's sequences: every compound refers to its compound set (a
 * singleton) and to its complement, and the set holds its compounds in an identity-hashed set whose
 * order differs from one JVM to the next. Such an argument is memoized, with a hit in a second JVM.
 */
class CyclicArgumentDiskTest {

  /** A nucleotide: no equals/hashCode, like BioJava's compounds in identity-based collections. */
  static final class Compound {
    final String base;
    final CompoundSet set;
    Compound complement;

    Compound(String base, CompoundSet set) {
      this.base = base;
      this.set = set;
    }
  }

  static final class CompoundSet {
    static final CompoundSet DNA = new CompoundSet();

    final Map<String, Compound> byBase = new LinkedHashMap<>();
    final Set<Compound> all = new HashSet<>();
    final CompoundSet self = this;

    private CompoundSet() {
      for (String b : List.of("A", "C", "G", "T")) {
        Compound c = new Compound(b, this);
        byBase.put(b, c);
        all.add(c);
      }
      pair("A", "T");
      pair("C", "G");
    }

    private void pair(String x, String y) {
      byBase.get(x).complement = byBase.get(y);
      byBase.get(y).complement = byBase.get(x);
    }
  }

  record Sequence(CompoundSet set, List<Compound> compounds) {
    static Sequence of(String text) {
      List<Compound> cs = new ArrayList<>();
      for (char c : text.toCharArray()) {
        cs.add(CompoundSet.DNA.byBase.get(String.valueOf(c)));
      }
      return new Sequence(CompoundSet.DNA, cs);
    }
  }

  /** Matches count, complements of the first against the second. */
  static String align(Sequence a, Sequence b) {
    int score = 0;
    for (int i = 0; i < Math.min(a.compounds().size(), b.compounds().size()); i++) {
      score += a.compounds().get(i).complement == b.compounds().get(i) ? 2 : -1;
    }
    return "score " + score;
  }

  public static void main(String[] args) {
    AtomicInteger computed = new AtomicInteger();
    try (Memo memo = Memo.builder().directory(Path.of(args[0])).build()) {
      Sequence a = Sequence.of(args[1]);
      Sequence b = Sequence.of(args[2]);
      String r = memo.call("align", () -> {
        computed.incrementAndGet();
        return align(a, b);
      }, a, b);
      System.out.println(r + " computed " + computed.get() + " tierHits " + memo.stats().tierHits());
    }
  }

  private static String child(Path dir, String a, String b) throws IOException, InterruptedException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CyclicArgumentDiskTest.class.getName(),
        dir.toString(), a, b);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("child did not finish");
    }
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void cyclicSingletonArgument_hitsInASecondJvm(TestInfo info) throws Exception {
    Path dir = TestDirs.forTest(info).resolve("cache");
    assertEquals("score 8 computed 1 tierHits 0", child(dir, "ACGT", "TGCA"));
    assertEquals("score 8 computed 0 tierHits 1", child(dir, "ACGT", "TGCA"));
    assertEquals("score -4 computed 1 tierHits 0", child(dir, "ACGT", "ACGT"), "other arguments, other key");
  }
}
