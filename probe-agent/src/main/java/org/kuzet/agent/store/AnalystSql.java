package org.kuzet.agent.store;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** An analyst's own SQL ({@code kuzet query}), on a store opened read-only so no statement can change it. */
public final class AnalystSql {
  private final Database db;

  AnalystSql(Database db) {
    this.db = db;
  }

  /**
   * Runs one analyst's SQL statement on this (read-only) store and returns at most {@code maxRows} rows.
   *
   * @throws StoreException for a write (refused) or an SQL error, with SQLite's message
   */
  public QueryResult query(String sql, int maxRows) {
    if (!db.readOnly()) {
      throw new IllegalStateException("analysts' SQL runs only on a store opened with openReadOnly");
    }
    try {
      return db.readUntranslated(c -> {
        try (Statement s = c.createStatement()) {
          if (!s.execute(sql)) {
            return new QueryResult(List.of(), List.of(), false);
          }
          try (ResultSet rs = s.getResultSet()) {
            return rows(rs, maxRows);
          }
        }
      });
    } catch (SQLException e) {
      int code = e.getErrorCode() & 0xff;
      if (code == 8 /* SQLITE_READONLY */) {
        throw new StoreException("the database is opened read-only: writes are refused ("
            + SqliteErrors.sqliteMessage(e) + ")", e);
      }
      if (code == 11 || code == 26 || code == 5) {
        throw db.fileError(e, "query");
      }
      throw new StoreException("SQL error: " + SqliteErrors.sqliteMessage(e), e);
    }
  }

  private static QueryResult rows(ResultSet rs, int maxRows) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(md.getColumnLabel(i));
    }
    List<List<String>> rows = new ArrayList<>();
    boolean truncated = false;
    while (rs.next()) {
      if (rows.size() == maxRows) {
        truncated = true;
        break;
      }
      List<String> row = new ArrayList<>();
      // The one read by position in the store, on purpose: an analyst's columns need not have unique names
      // ("SELECT a.id, b.id …"), and each is shown as it was selected.
      for (int i = 1; i <= columns.size(); i++) {
        row.add(rs.getString(i));
      }
      rows.add(row);
    }
    return new QueryResult(columns, rows, truncated);
  }
}
