package org.kuzet.targets;

import java.util.List;

/** The formats {@link TargetListLoader} reads, told apart by the first line that is not a comment. */
public enum ListFormat {
  /** kuzet's own CSV: every field a target has, country included. */
  KUZET(List.of("url", "category_code", "country", "source", "date_added", "notes")),

  /** Citizen Lab test-list CSV; the country comes from the file name. */
  CITIZEN_LAB(List.of("url", "category_code", "category_description", "date_added", "source", "notes")),

  /** No header, one URL per line, every target in category MISC. */
  PLAIN(List.of());

  private final List<String> columns;

  ListFormat(List<String> columns) {
    this.columns = columns;
  }

  /** The header columns, in order; empty for {@link #PLAIN}. */
  public List<String> columns() {
    return columns;
  }

  /** The header line as it must be written. */
  public String header() {
    return String.join(",", columns);
  }
}
