package org.memocache.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memocache.testing.Child;

/**
 * {@code rediss://}: hosts reach a redis-server over TLS only (a certificate made for the test,
 * trusted through the JVM's own {@code javax.net.ssl.trustStore}), share what they compute, and a
 * host that does not trust the certificate computes locally with one warning naming the cause and
 * not the password.
 */
@Tag("slow") // three child JVMs
class TlsTest {
  private static final String PASSWORD = "tls-pw-8080";

  @TempDir Path dir;

  @Test
  void hostsShareOverTls_andAHostNotTrustingTheServerComputesLocally() throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    assumeTrue(run(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
        "-out", "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        "openssl is needed to make the test's certificate");
    assertTrue(run(certs, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert",
        "-noprompt", "-alias", "redis", "-file", "cert.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
        "-storepass", "trustpw"));
    int tlsPort = RedisServer.freePort();
    try (RedisServer server = RedisServer.start(dir.resolve("redis"), PASSWORD, RedisServer.freePort(), List.of(
        "--tls-port", Integer.toString(tlsPort), "--tls-cert-file", certs.resolve("cert.pem").toString(),
        "--tls-key-file", certs.resolve("key.pem").toString(), "--tls-ca-cert-file",
        certs.resolve("cert.pem").toString(), "--tls-auth-clients", "no"))) {
      Path markers = Files.createDirectories(dir.resolve("markers"));
      Path go = Files.createFile(dir.resolve("go"));
      Map<String, String> env = new HashMap<>();
      env.put("MEMOCACHE_SHARED", "rediss://:" + PASSWORD + "@127.0.0.1:" + tlsPort);
      Map<String, String> trusting = new HashMap<>(env);
      trusting.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + certs.resolve("trust.p12")
          + " -Djavax.net.ssl.trustStorePassword=trustpw");

      assertEquals(3, host("a", trusting, markers, go), "the first host computes every key");
      assertEquals(0, host("b", trusting, markers, go), "the second host reads them over TLS");
      try (Child c = Child.start(HostMain.class, dir.resolve("host-c.log"), env, "256m",
          dir.resolve("local-c").toString(), markers.toString(), go.toString(), "3", "0", "0")) {
        assertEquals(0, c.waitFor(60_000), c.output().toString());
      }
      assertEquals(6, count(markers), "a host that does not trust the certificate computes locally");
      String log = Files.readString(dir.resolve("host-c.log"));
      assertTrue(log.contains("redis is unavailable") && log.contains("certification path"), log);
      assertEquals(1, log.lines().filter(l -> l.contains("redis is unavailable")).count(), log);
      assertFalse(log.contains(PASSWORD), log);
    }
  }

  /** Runs a host over 3 keys and returns how many it computed. */
  private int host(String name, Map<String, String> env, Path markers, Path go) throws Exception {
    long before = count(markers);
    try (Child c = Child.start(HostMain.class, dir.resolve("host-" + name + ".log"), env, "256m",
        dir.resolve("local-" + name).toString(), markers.toString(), go.toString(), "3", "0", "0")) {
      assertEquals(0, c.waitFor(60_000), c.output().toString());
      assertTrue(c.output().contains("counters shared Counters[corrupt=0, writeFailures=0, evictions=0, foreign=0,"
          + " unavailable=0]"), c.output().toString());
    }
    return (int) (count(markers) - before);
  }

  private static long count(Path markers) throws IOException {
    try (Stream<Path> s = Files.list(markers)) {
      return s.count();
    }
  }

  private static boolean run(Path dir, String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve(Path.of(command[0]).getFileName() + ".log").toFile()).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
