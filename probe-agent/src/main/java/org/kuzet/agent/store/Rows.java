package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.kuzet.core.connectivity.NetworkState;

/** Small helpers shared by the per-concern classes: row ids, one-row updates, stored enum values. */
final class Rows {
  private Rows() {}

  /** The id of the row the last INSERT on {@code c} made (in the same transaction). */
  static long insertedId(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid() AS id")) {
      if (!rs.next()) {
        throw new SQLException("no row id returned");
      }
      return rs.getLong("id");
    }
  }

  /** A long column that may be NULL. */
  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static void requireOneRow(int updated, String what) {
    if (updated != 1) {
      throw new IllegalArgumentException("no " + what);
    }
  }

  static NetworkState networkState(String wire) {
    if (wire == null) {
      return null;
    }
    for (NetworkState s : NetworkState.values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalStateException("unknown connectivity state '" + wire + "' in the database");
  }
}
