package org.memocache.internal;

import org.memocache.MethodId;

/** Method identities as Java reads them, for messages: {@code com.acme.Fit#fit(int, double[])}. */
public final class Signatures {
  private Signatures() {}

  /** The cache name followed by the parameter types of the descriptor (simple names); the name alone without one. */
  public static String of(MethodId id) {
    String d = id.descriptor();
    if (d.isEmpty() || d.charAt(0) != '(') {
      return id.name();
    }
    StringBuilder sb = new StringBuilder(id.name()).append('(');
    int i = 1;
    boolean first = true;
    while (i < d.length() && d.charAt(i) != ')') {
      int dims = 0;
      while (d.charAt(i) == '[') {
        dims++;
        i++;
      }
      String type;
      char c = d.charAt(i);
      if (c == 'L') {
        int end = d.indexOf(';', i);
        String binary = d.substring(i + 1, end);
        type = binary.substring(binary.lastIndexOf('/') + 1).replace('$', '.');
        i = end + 1;
      } else {
        type = switch (c) {
          case 'Z' -> "boolean";
          case 'B' -> "byte";
          case 'C' -> "char";
          case 'S' -> "short";
          case 'I' -> "int";
          case 'J' -> "long";
          case 'F' -> "float";
          default -> "double";
        };
        i++;
      }
      sb.append(first ? "" : ", ").append(type).append("[]".repeat(dims));
      first = false;
    }
    return sb.append(')').toString();
  }
}
