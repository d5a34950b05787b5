package org.memocache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.MemoConfig;
import org.memocache.internal.Settings;

class AgentOptionsTest {

  @Test
  void parse_everyOption() {
    AgentOptions o = AgentOptions.parse("methods=com.acme.Pipeline#clean;com.acme.Fit#*;"
        + "com.acme.Io#load(java.nio.file.Path, int),dir=/data/cache,memory=512m,disk=50g,"
        + "stateless=com.acme.Fit;com.acme.Svc,allow=com.acme.model,fingerprint=false,verbose,"
        + "disk-entries=1000,expire=30d,lock-timeout=45s,durable=true");
    assertEquals(List.of(MethodSelector.parse("com.acme.Pipeline#clean"), MethodSelector.parse("com.acme.Fit#*"),
        new MethodSelector("com.acme.Io", "load", List.of("java.nio.file.Path", "int"))), o.methods());
    assertEquals(Path.of("/data/cache"), o.directory());
    assertEquals(512L << 20, o.maximumMemoryBytes());
    assertEquals(50L << 30, o.maximumDiskBytes());
    assertEquals(List.of("com.acme.Fit", "com.acme.Svc"), o.statelessClasses());
    assertTrue(o.isStateless("com.acme.Svc"));
    assertFalse(o.isStateless("com.acme.Pipeline"));
    assertEquals(List.of("com.acme.model"), o.allowedPackages());
    assertFalse(o.fingerprint());
    assertTrue(o.verbose());
    assertEquals("1000", o.settings().get("disk-entries"));
    assertEquals("30d", o.settings().get("expire"));
    assertEquals("45s", o.settings().get("lock-timeout"));
    assertEquals("true", o.settings().get("durable"));
  }

  @Test
  void parse_nothing_isDefaults() {
    assertEquals(AgentOptions.defaults(), AgentOptions.parse(null));
    assertEquals(AgentOptions.defaults(), AgentOptions.parse(""));
    assertEquals(AgentOptions.defaults(), AgentOptions.parse(" , "));
    assertEquals("", AgentOptions.defaults().toString());
  }

  @Test
  void toString_parsesBackToEqualOptions() {
    String text = "methods=a.B#c;a.B#d(int,double[][]);a.C#*,dir=/x/y,memory=1536k,disk=3g,expire=P30D,"
        + "fingerprint=false,allow=a;b.c,stateless=a.B,verbose";
    AgentOptions o = AgentOptions.parse(text);
    assertEquals(text, o.toString());
    assertEquals(o, AgentOptions.parse(o.toString()));
  }

  @Test
  void shared_isAConfigurationKey_shownWithoutUserAndPassword() {
    AgentOptions o = AgentOptions.parse("shared=rediss://app:s3cret@cache.example:6380,blobs=s3://runs/sweep");
    assertEquals(java.util.Map.of("shared", "rediss://app:s3cret@cache.example:6380", "blobs", "s3://runs/sweep"),
        o.settings());
    assertEquals("shared=rediss://***@cache.example:6380,blobs=s3://runs/sweep", o.toString());
    assertMessage("MemoCache: agent option shared=http://***@h:1: scheme must be redis or rediss, as in"
        + " redis://host:6379 or rediss://user:password@host:6380, not http://***@h:1", "shared=http://u:pw@h:1");
  }

  @Test
  void badValue_quotesKeyAndValue() {
    assertMessage("MemoCache: agent option memory=lots: not a size such as 512m, 2g or 4096", "memory=lots");
    assertMessage("MemoCache: agent option fingerprint=maybe: not true or false", "fingerprint=maybe");
    assertMessage("MemoCache agent: invalid value for option 'methods' at character 9: 'com.acme.Fit' names no method:"
        + " write com.acme.Fit#method, com.acme.Fit#method(int,long) or com.acme.Fit#*", "methods=com.acme.Fit");
    assertMessage("MemoCache agent: invalid value for option 'methods' at character 24: 'x-y' is not a"
        + " parameter type (such as int, double[] or java.nio.file.Path) in a.B#f", "verbose,methods=a.B#g; a.B#f(x-y)");
    assertMessage("MemoCache agent: invalid value for option 'stateless' at character 11: 'com..Fit' is not a class or package"
        + " name such as com.acme.Fit", "stateless=com..Fit");
  }

  @Test
  void unknownKey_namesItAndTheKnownOnes() {
    assertMessage("MemoCache agent: unknown option 'directory' in 'directory=/x' at character 1; the options are methods, stateless,"
        + " verbose, weavecache, dir, memory, disk, disk-entries, expire, lock-timeout, durable, fingerprint, allow,"
        + " key-encoders, codecs, ignore, shared, blobs, shared-bytes, shared-entries, config", "directory=/x");
  }

  @Test
  void rangeRejection_namesTheOption() {
    assertMessage("MemoCache: agent option disk=0: must be positive", "disk=0");
  }

  @Test
  void configFile_isOverriddenByTheCommandLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("memocache.properties");
    Files.writeString(file, """
        # the job's cache settings
        methods = com.acme.Fit#fit
        dir = /from/file
        memory = 64m
        verbose =
        """);
    AgentOptions o = AgentOptions.parse("config=" + file + ",dir=/from/command/line,methods=com.acme.Io#load");
    assertEquals(Path.of("/from/command/line"), o.directory());
    Settings s = Settings.load(o.settings(), Map.of(), Map.of(), null);
    assertEquals(Path.of("/from/command/line"), s.directory());
    assertEquals(64L << 20, s.number(Settings.Key.MEMORY), "configuration keys come from the file");
    assertTrue(o.verbose());
    assertEquals(List.of(MethodSelector.parse("com.acme.Fit#fit"), MethodSelector.parse("com.acme.Io#load")),
        o.methods(), "methods accumulate");
  }

  @Test
  void configFile_errorsSayTheyComeFromIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "disk=huge\n");
    assertMessage("MemoCache: " + file + ":1 disk=huge: not a size such as 512m, 2g or 4096", "config=" + file);
    Path missing = dir.resolve("missing");
    assertMessage("MemoCache: cannot read the configuration file " + missing + " (agent option config=" + missing
        + "): " + missing + ": no such file or directory", "config=" + missing);
    Files.writeString(file, "methods=com.acme.Fit\n");
    assertMessage("MemoCache agent: invalid value for option 'methods': 'com.acme.Fit' names no method: write"
        + " com.acme.Fit#method, com.acme.Fit#method(int,long) or com.acme.Fit#* (in config file " + file + ")",
        "config=" + file);
  }

  @Test
  void agentOptions_configureTheDefaultMemoAboveProperties() {
    String before = System.getProperty("memocache.memory");
    System.setProperty("memocache.memory", "2m");
    try {
      Settings.useAgentOptions(AgentOptions.parse("memory=1m,fingerprint=false,allow=com.acme").settings());
      MemoConfig c = org.memocache.Memo.builder().memoryOnly().build().config();
      assertEquals(1L << 20, c.maximumMemoryBytes(), "agent option over system property");
      assertFalse(c.codeFingerprint());
      assertEquals(List.of("com.acme"), c.allowedPackages());
    } finally {
      Settings.useAgentOptions(Map.of());
      if (before == null) {
        System.clearProperty("memocache.memory");
      } else {
        System.setProperty("memocache.memory", before);
      }
    }
  }

  @Test
  void split_keepsParameterListsWhole() {
    assertEquals(List.of("methods=a.B#c(int,long);a.B#d", "dir=/x"), AgentOptions.split("methods=a.B#c(int,long);a.B#d,dir=/x"));
  }

  @Test
  void malformed_namesOptionAndCharacter() {
    assertMessage("MemoCache agent: malformed option 'methods' at character 14: '(' is never closed in 'methods=a.B#f(int'",
        "methods=a.B#f(int,dir=/x,verbose");
    assertMessage("MemoCache agent: malformed option 'methods' at character 19: ')' without its '(' in"
        + " 'methods=a.B#f(int))'", "methods=a.B#f(int)),verbose");
    assertMessage("MemoCache agent: malformed option 'methods' at character 18: '(' inside the parameter list opened"
        + " at character 14 in 'methods=a.B#f(int(long)'", "methods=a.B#f(int(long),verbose");
  }

  @Test
  void varargs_isTheArrayForm() {
    AgentOptions o = AgentOptions.parse("methods=a.B#f(int...);a.B#g(java.lang.String, double[]...)");
    assertEquals(List.of("int[]"), o.methods().get(0).parameterTypes());
    assertEquals(List.of("java.lang.String", "double[][]"), o.methods().get(1).parameterTypes());
  }

  private static void assertMessage(String expected, String args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args));
    assertEquals(expected, e.getMessage());
  }
}
