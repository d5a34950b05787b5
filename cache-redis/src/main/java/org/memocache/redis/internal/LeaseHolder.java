package org.memocache.redis.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a lease: what a waiter logs ("computed by pid 4711 on node-3 since 12:00:01").
 *
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param since when the holder took the lease (holder's clock)
 * @param token the fencing token the holder received
 */
public record LeaseHolder(String host, long pid, Instant since, long token) {
  /** Parses the lease value {@code owner|token|host|pid|sinceMillis}; empty if it is not one. */
  static Optional<LeaseHolder> parse(String value) {
    String[] p = value.split("\\|", -1);
    if (p.length != 5) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LeaseHolder(p[2], Long.parseLong(p[3]), Instant.ofEpochMilli(Long.parseLong(p[4])),
          Long.parseLong(p[1])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "pid " + pid + " on " + host + " since " + since + " (token " + token + ")";
  }
}
