package org.memocache.disk.internal;

import com.dynatrace.hash4j.hashing.Hashing;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who this process is, in a form that other processes can check for liveness without any lock:
 * host, pid and start time. The start time makes a recycled pid a different process. Written into
 * tmp-file and journal names as a token {@code <host hash>-<pid>-<start in base 36>}.
 *
 * @param host the host name
 * @param hostHash 8 hex digits naming the host in file names
 * @param pid the process id
 * @param startMillis the process start time, epoch milliseconds
 */
record ProcessIdentity(String host, String hostHash, long pid, long startMillis) {

  /** This JVM. */
  static final ProcessIdentity CURRENT = current();

  /**
   * This JVM's start time as lock records write it, ISO-8601: made with this class, which the
   * warm-up thread initializes, as a first {@code Instant.toString} loads the JDK's date-time
   * formatting (3 ms of a fresh JVM's first lock).
   */
  static final String CURRENT_START = Instant.ofEpochMilli(CURRENT.startMillis).toString();

  /** The token naming this process in file names. */
  String token() {
    return hostHash + "-" + pid + "-" + Long.toString(startMillis, 36);
  }

  /** The process named by {@code token}, or empty when the token is malformed. */
  static Optional<ProcessIdentity> parse(String token) {
    String[] p = token.split("-");
    if (p.length != 3 || p[0].length() != 8) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcessIdentity("", p[0], Long.parseLong(p[1]), Long.parseLong(p[2], 36)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether this identity is on this host (then its liveness can be checked). */
  boolean sameHost() {
    return hostHash.equals(CURRENT.hostHash);
  }

  /**
   * Whether the process is still running. Only answerable on the same host; callers decide what to
   * assume for other hosts.
   */
  boolean alive() {
    if (!sameHost()) {
      return true;
    }
    if (pid == CURRENT.pid && startMillis == CURRENT.startMillis) {
      return true;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    return h.get().info().startInstant().map(s -> s.toEpochMilli() == startMillis).orElse(true);
  }

  private static ProcessIdentity current() {
    ProcessHandle me = ProcessHandle.current();
    Optional<Instant> started = me.info().startInstant();
    long start = started.isPresent() ? started.get().toEpochMilli() : System.currentTimeMillis();
    String host = hostName();
    // Not String.format: a program's first one costs milliseconds, and this runs in every process.
    String hash = Hex.of(Hashing.xxh3_64().hashCharsToLong(host)).substring(8);
    return new ProcessIdentity(host, hash, me.pid(), start);
  }

  /** The host name without a DNS lookup where possible (a lookup can hang for seconds). */
  private static String hostName() {
    for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
      try {
        String h = Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
        if (!h.isEmpty()) {
          return h;
        }
      } catch (IOException | SecurityException e) {
        // Not Linux, or not readable: try the next source.
      }
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
