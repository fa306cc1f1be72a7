package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kuzet.agent.upload.UploadQueue;

/**
 * The upload queue over the {@code measurements} table ({@code upload_state}, {@code upload_attempts},
 * {@code next_upload_at}): a measurement enters it in the transaction that stores it ({@link Measurements#save})
 * and is never deleted by uploading.
 */
public final class StoredUploadQueue implements UploadQueue {
  /** Pending and due at the first parameter, oldest first, at most the second parameter's number. */
  private static final String DUE = " WHERE upload_state = 'pending'"
      + " AND (next_upload_at IS NULL OR next_upload_at <= ?) ORDER BY id LIMIT ?";

  private final Database db;

  StoredUploadQueue(Database db) {
    this.db = db;
  }

  private static String queued(String uid) {
    return "queued measurement with UID " + uid;
  }

  @Override
  public List<QueuedMeasurement> due(int max, Instant now) {
    return db.read("read the upload queue", c -> Rows.list(c, "SELECT uid, measurement_json, upload_attempts"
        + " FROM measurements" + DUE, rs -> new QueuedMeasurement(rs.getString("uid"), rs.getString("measurement_json"),
        rs.getInt("upload_attempts")), StoreTimes.format(now), max));
  }

  @Override
  public List<DueMeasurement> dueSizes(int max, Instant now) {
    // octet_length: the size in bytes, without reading the JSON itself into memory.
    return db.read("read the upload queue", c -> Rows.list(c, "SELECT uid, octet_length(measurement_json) AS bytes,"
        + " upload_attempts FROM measurements" + DUE, rs -> new DueMeasurement(rs.getString("uid"), rs.getLong("bytes"),
        rs.getInt("upload_attempts")), StoreTimes.format(now), max));
  }

  @Override
  public Optional<String> measurementJson(String uid) {
    return db.read("read measurement " + uid, c -> Rows.first(c, "SELECT measurement_json FROM measurements"
        + " WHERE uid = ?", rs -> rs.getString("measurement_json"), uid));
  }

  @Override
  public void markUploaded(Collection<String> uids, Instant at) {
    db.write("mark uploaded", c -> {
      for (String uid : uids) {
        Rows.requireOneRow(Rows.update(c, "UPDATE measurements SET upload_state = 'uploaded', uploaded_at = ?,"
            + " upload_error = NULL, next_upload_at = NULL WHERE uid = ?", StoreTimes.format(at), uid), queued(uid));
      }
      return null;
    });
  }

  @Override
  public void markRejected(String uid, String reason, Instant at) {
    db.write("mark rejected", c -> {
      Rows.requireOneRow(Rows.update(c, "UPDATE measurements SET upload_state = 'rejected', upload_error = ?,"
          + " next_upload_at = NULL WHERE uid = ?", reason, uid), queued(uid));
      return null;
    });
  }

  @Override
  public void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
    db.write("schedule upload retry", c -> {
      for (String uid : uids) {
        Rows.requireOneRow(Rows.update(c, "UPDATE measurements SET upload_attempts = upload_attempts + 1,"
            + " upload_error = ?, next_upload_at = ? WHERE uid = ?", error, StoreTimes.formatCeiling(nextAttempt),
            uid), queued(uid));
      }
      return null;
    });
  }

  @Override
  public int requeueRejected() {
    return db.write("requeue rejected measurements", c -> Rows.update(c, "UPDATE measurements"
        + " SET upload_state = 'pending', next_upload_at = NULL WHERE upload_state = 'rejected'"));
  }

  /** Makes every pending measurement due now (a hand-started upload waits for no backoff); returns how many. */
  public int makePendingDueNow() {
    return db.write("make pending uploads due", c -> Rows.update(c, "UPDATE measurements SET next_upload_at = NULL"
        + " WHERE upload_state = 'pending' AND next_upload_at IS NOT NULL"));
  }

  @Override
  public QueueCounts counts() {
    return db.read("count the upload queue", StoredUploadQueue::queueCounts);
  }

  static QueueCounts queueCounts(Connection c) throws SQLException {
    Map<String, Long> perState = new HashMap<>();
    for (Map.Entry<String, Long> e : Rows.list(c, "SELECT upload_state, count(*) AS n FROM measurements"
        + " GROUP BY upload_state", rs -> Map.entry(rs.getString("upload_state"), rs.getLong("n")))) {
      perState.put(e.getKey(), e.getValue());
    }
    return new QueueCounts(perState.getOrDefault("pending", 0L), perState.getOrDefault("uploaded", 0L),
        perState.getOrDefault("rejected", 0L));
  }
}
