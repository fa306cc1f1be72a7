package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

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
      Instant last = Rows.first(c, "SELECT max(start_time) AS last FROM measurements",
          rs -> StoreTimes.parse(rs.getString("last"))).orElse(null);
      return new StoreCounts(runs, measurements, blocked, StoredUploadQueue.queueCounts(c), last, events);
    });
  }

  private static long count(Connection c, String sql) throws SQLException {
    return Rows.first(c, sql, rs -> rs.getLong("n")).orElse(0L);
  }
}
