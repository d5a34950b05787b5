package org.memocache.agent.internal.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A streaming JSON writer for {@code --json} output: objects, arrays, strings, numbers, booleans.
 * Written here rather than shading a JSON library into an agent jar that enters other people's JVMs
 * for the sake of a few hundred bytes of output. Durations are written as seconds (a double),
 * instants as ISO-8601 strings.
 */
final class Json {
  private final StringBuilder sb = new StringBuilder();
  /** Per open container: whether it already has a member (a comma is due). */
  private final Deque<boolean[]> open = new ArrayDeque<>();
  private boolean afterName;

  Json beginObject() {
    comma();
    sb.append('{');
    open.push(new boolean[1]);
    return this;
  }

  Json endObject() {
    open.pop();
    sb.append('}');
    return this;
  }

  Json beginArray() {
    comma();
    sb.append('[');
    open.push(new boolean[1]);
    return this;
  }

  Json endArray() {
    open.pop();
    sb.append(']');
    return this;
  }

  Json name(String name) {
    comma();
    quote(name);
    sb.append(':');
    afterName = true;
    return this;
  }

  Json string(String s) {
    comma();
    quote(s);
    return this;
  }

  Json number(long n) {
    comma();
    sb.append(n);
    return this;
  }

  Json number(double d) {
    comma();
    sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
    return this;
  }

  Json bool(boolean b) {
    comma();
    sb.append(b);
    return this;
  }

  Json field(String name, String value) {
    return name(name).string(value);
  }

  Json field(String name, long value) {
    return name(name).number(value);
  }

  Json field(String name, boolean value) {
    return name(name).bool(value);
  }

  Json field(String name, Duration value) {
    return name(name).number(value.toNanos() / 1e9);
  }

  Json field(String name, Instant value) {
    return name(name).string(value.toString());
  }

  private void comma() {
    if (afterName) {
      afterName = false;
      return;
    }
    boolean[] container = open.peek();
    if (container != null) {
      if (container[0]) {
        sb.append(',');
      }
      container[0] = true;
    }
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
