package org.memocache.agent.internal.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: left-aligned text, right-aligned columns named at
 * construction (numbers, sizes). Cells longer than {@link #MAX_CELL} are cut with an ellipsis so one
 * long argument summary cannot push every other column off the screen; the last column is never
 * cut (nothing follows it, and a file path cut short is useless).
 */
final class Table {
  static final int MAX_CELL = 60;
  private final String[] header;
  private final boolean[] right;
  private final List<String[]> rows = new ArrayList<>();

  /** Columns named by {@code header}; a name starting with {@code '>'} is right-aligned (the mark is dropped). */
  Table(String... header) {
    this.header = new String[header.length];
    this.right = new boolean[header.length];
    for (int i = 0; i < header.length; i++) {
      right[i] = header[i].startsWith(">");
      this.header[i] = right[i] ? header[i].substring(1) : header[i];
    }
  }

  Table row(Object... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException("a row of " + header.length + " cells, not " + cells.length);
    }
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String s = String.valueOf(cells[i]);
      r[i] = s.length() > MAX_CELL && i < cells.length - 1 ? s.substring(0, MAX_CELL - 1) + "…" : s;
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    line(out, header, width);
    for (String[] r : rows) {
      line(out, r, width);
    }
    out.flush();
  }

  private void line(PrintWriter out, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append("  ");
      }
      String pad = " ".repeat(width[i] - cells[i].length());
      boolean last = i == cells.length - 1;
      sb.append(right[i] ? pad + cells[i] : last ? cells[i] : cells[i] + pad);
    }
    out.println(sb);
  }
}
