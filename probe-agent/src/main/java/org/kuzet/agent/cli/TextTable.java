package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table, columns padded to their widest cell; the last column is never padded. */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(List<String> header) {
    this.header = header;
  }

  void add(List<String> row) {
    rows.add(row);
  }

  void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (List<String> r : concat()) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], cell(r.get(i)).length());
      }
    }
    for (List<String> r : concat()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        String c = cell(r.get(i));
        line.append(c);
        if (i < r.size() - 1) {
          line.append(" ".repeat(width[i] - c.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  private List<List<String>> concat() {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return all;
  }

  /** One line per cell whatever the data holds: control characters would break the table (or the terminal). */
  private static String cell(String s) {
    return s == null ? "NULL" : s.replaceAll("\\p{Cntrl}", " ");
  }
}
