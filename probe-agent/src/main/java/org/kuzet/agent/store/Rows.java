package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kuzet.core.connectivity.NetworkState;

/**
 * The JDBC the per-concern classes share: a query's rows mapped one by one, an update, the id of an inserted row,
 * stored enum values. Parameters are bound in order with {@code setObject} (a null binds SQL NULL).
 */
final class Rows {
  private Rows() {}

  /** Maps the current row of a result set; columns are read by name. */
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Does something with the current row of a result set; columns are read by name. */
  interface RowAction {
    void accept(ResultSet rs) throws SQLException;
  }

  /** Every row {@code sql} selects, mapped. */
  static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    List<T> out = new ArrayList<>();
    each(c, sql, rs -> out.add(mapper.map(rs)), args);
    return out;
  }

  /** Hands every row {@code sql} selects to {@code action} as it is read (results of any size). */
  static void each(Connection c, String sql, RowAction action, Object... args) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, args); ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        action.accept(rs);
      }
    }
  }

  /**
   * The first row {@code sql} selects, mapped; empty when it selects none, or when the row maps to null (an
   * aggregate such as {@code max()} over no rows).
   */
  static <T> Optional<T> first(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, args); ResultSet rs = p.executeQuery()) {
      return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
    }
  }

  /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, args)) {
      return p.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p;
    } catch (SQLException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** The id of the row the last INSERT on {@code c} made (in the same transaction). */
  static long insertedId(Connection c) throws SQLException {
    return first(c, "SELECT last_insert_rowid() AS id", rs -> rs.getLong("id"))
        .orElseThrow(() -> new SQLException("no row id returned"));
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
    try {
      return NetworkState.fromWire(wire);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage() + " in the database", e);
    }
  }
}
