package org.kuzet.agent.store;

import java.time.Instant;

/** The {@code [store] retention} setting at work: old measurements, runs and connectivity events are deleted. */
public final class Retention {
  private final Database db;

  Retention(Database db) {
    this.db = db;
  }

  /** What {@link #deleteOlderThan} removed. */
  public record Pruned(int measurements, int runs, int connectivityEvents) {}

  /**
   * Deletes, in one transaction, the measurements that started before {@code cutoff}, the runs left without
   * measurements that ended before it, and the connectivity events that ended before it. With {@code keepUnsent}, a
   * measurement still waiting in the upload queue is kept whatever its age (it has not reached anyone yet); without
   * (upload off), it goes too.
   */
  public Pruned deleteOlderThan(Instant cutoff, boolean keepUnsent) {
    String before = StoreTimes.format(cutoff);
    return db.write("delete measurements older than " + before, c -> {
      int m = Rows.update(c, "DELETE FROM measurements WHERE start_time < ?"
          + (keepUnsent ? " AND upload_state <> 'pending'" : ""), before);
      int r = Rows.update(c, "DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?"
          + " AND NOT EXISTS (SELECT 1 FROM measurements WHERE run_id = runs.id)", before);
      int e = Rows.update(c, "DELETE FROM connectivity_events WHERE ended_at IS NOT NULL AND ended_at < ?", before);
      return new Pruned(m, r, e);
    });
  }
}
