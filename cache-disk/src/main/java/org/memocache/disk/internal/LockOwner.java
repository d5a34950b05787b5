package org.memocache.disk.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who holds a lock file, as written into it by the holder: one line
 * {@code pid=4711 host=h start=<iso> since=<epoch ms> beat=1000 desc=simulate(n=1000)}, so a waiting
 * process can say whom it waits for. {@code beat} announces that the holder rewrites the record's
 * last byte every so many milliseconds while it holds the lock (a heartbeat: the file's modification
 * time moves), so a waiter can tell a stopped holder from a slow one.
 *
 * @param pid the holder's pid
 * @param host the holder's host name
 * @param start the holder's process start time, ISO-8601 as {@code Instant.toString} writes it
 * @param sinceMillis when it took the lock
 * @param description what it holds the lock for, such as {@code simulate(n=1000)}
 * @param beatMillis the holder's heartbeat interval, or 0 when it writes none (older versions)
 */
record LockOwner(long pid, String host, String start, long sinceMillis, String description, long beatMillis) {

  static LockOwner current(String description, long nowMillis, long beatMillis) {
    ProcessIdentity me = ProcessIdentity.CURRENT;
    return new LockOwner(me.pid(), me.host(), ProcessIdentity.CURRENT_START, nowMillis,
        description.replace('\n', ' '), beatMillis);
  }

  /** Size of the record: always the same, so a new holder overwrites the last one in place. */
  static final int RECORD = 1024;

  /**
   * The line padded with spaces to {@link #RECORD} bytes. Overwriting in place (never truncating)
   * keeps lock files from allocating and freeing blocks on every use, which costs a discard on
   * some file systems.
   */
  byte[] encode() {
    String head = "pid=" + pid + " host=" + host + " start=" + start + " since=" + sinceMillis
        + (beatMillis > 0 ? " beat=" + beatMillis : "") + " desc=";
    String line = head + EntryHeader.cut(description, RECORD - 2 - head.getBytes(StandardCharsets.UTF_8).length);
    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[RECORD];
    java.util.Arrays.fill(out, (byte) ' ');
    System.arraycopy(b, 0, out, 0, Math.min(b.length, RECORD));
    out[RECORD - 1] = '\n';
    return out;
  }

  /** Parses the holder's line; empty when the file is empty, a tombstone, or not in this form. */
  static Optional<LockOwner> parse(byte[] bytes, int length) {
    if (length == 0 || bytes[0] == 0) {
      return Optional.empty();
    }
    String s = new String(bytes, 0, length, StandardCharsets.UTF_8).strip();
    try {
      int d = s.indexOf(" desc=");
      String desc = d < 0 ? "" : s.substring(d + 6);
      String head = d < 0 ? s : s.substring(0, d);
      long pid = -1;
      long since = 0;
      long beat = 0;
      String host = "?";
      String start = "";
      for (String part : head.split(" ")) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String k = part.substring(0, eq);
        String v = part.substring(eq + 1);
        switch (k) {
          case "pid" -> pid = Long.parseLong(v);
          case "host" -> host = v;
          case "start" -> start = v;
          case "since" -> since = Long.parseLong(v);
          case "beat" -> beat = Long.parseLong(v);
          default -> { }
        }
      }
      return pid < 0 ? Optional.empty() : Optional.of(new LockOwner(pid, host, start, since, desc, beat));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  // "Holding the lock", not "computing": a holder first looks for the result, and may find it stored.
  @Override
  public String toString() {
    return "pid " + pid + " on host " + host + (description.isEmpty() ? "" : " holding the lock for " + description);
  }
}
