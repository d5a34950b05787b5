package org.memocache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memocache.testing.ChildJvm;

/** The text of warnings a user reads when a woven call is not memoized. */
class MessagesTest {
  private static final String HINT = " (names such as arg0 mean the class was compiled without parameter names:"
      + " compile with javac -parameters, in Maven <maven.compiler.parameters>true</maven.compiler.parameters>,"
      + " to see the real ones)";

  @Test
  void lambdaArgument_warnsInWholeSentences_andExplainsArg0Once() throws Exception {
    ChildJvm.Result r = ChildJvm.run(List.of(), NamesHintChild.class);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("null\nnull", r.stdout());
    Matcher m = Pattern.compile("WARNING: (MemoCache: not memoizing this call of .*)").matcher(r.stderr());
    assertTrue(m.find(), r.stderr());
    String first = m.group(1);
    assertTrue(first.matches("MemoCache: not memoizing this call of org\\.memocache\\.NamesHintChild#first\\S*, which is"
        + " computed normally: org\\.memocache\\.NamesHintChild#first\\S*: parameter 0 \\(arg0\\) cannot be part of a"
        + " cache key: it is a org\\.memocache\\.NamesHintChild\\$\\$Lambda\\S*, and a lambda or method reference"
        + " cannot be hashed: what it captures is invisible to the key\\. .*"), first);
    assertTrue(first.endsWith(HINT), first);
    assertTrue(m.find(), r.stderr());
    String second = m.group(1);
    assertTrue(second.contains("NamesHintChild#second") && second.contains("parameter 0 (arg0)"), second);
    assertTrue(!second.contains("-parameters"), "the hint is given once: " + second);
    assertTrue(!r.stderr().contains("it a lambda"), r.stderr());
  }
}
