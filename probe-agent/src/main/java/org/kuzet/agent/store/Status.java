package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What {@code kuzet status} shows about the whole store, across its tables. */
public final class Status {
  private final Database db;

  Status(Database db) {
    this.db = db;
  }

  /**
   * Runs, measurements, blocked, the upload queue, the newest measurement time and connectivity events.
   * ({@link StoredUploadQueue#counts()} is the upload queue's alone.)
   */
  public StoreCounts statusCounts() {
    return db.read("count stored results", c -> {
      long runs = count(c, "SELECT count(*) AS n FROM runs");
      long measurements = count(c, "SELECT count(*) AS n FROM measurements");
      long blocked = count(c, "SELECT count(*) AS n FROM measurements WHERE x_verdict = 'blocked'");
      long events = count(c, "SELECT count(*) AS n FROM connectivity_events");
      String last;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT max(start_time) AS last FROM measurements")) {
        last = rs.next() ? rs.getString("last") : null;
      }
      return new StoreCounts(runs, measurements, blocked, StoredUploadQueue.queueCounts(c), StoreTimes.parse(last),
          events);
    });
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong("n") : 0;
    }
  }
}
