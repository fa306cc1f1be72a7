package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.kuzet.agent.upload.UploadQueue;

/**
 * The upload queue over the {@code measurements} table ({@code upload_state}, {@code upload_attempts},
 * {@code next_upload_at}): a measurement enters it in the transaction that stores it ({@link Measurements#save})
 * and is never deleted by uploading.
 */
public final class StoredUploadQueue implements UploadQueue {
  private final Database db;

  StoredUploadQueue(Database db) {
    this.db = db;
  }

  @Override
  public List<QueuedMeasurement> due(int max, Instant now) {
    return db.read("read the upload queue", c -> {
      List<QueuedMeasurement> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT uid, measurement_json, upload_attempts FROM measurements"
          + " WHERE upload_state = 'pending' AND (next_upload_at IS NULL OR next_upload_at <= ?)"
          + " ORDER BY id LIMIT ?")) {
        p.setString(1, StoreTimes.format(now));
        p.setInt(2, max);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new QueuedMeasurement(rs.getString("uid"), rs.getString("measurement_json"),
                rs.getInt("upload_attempts")));
          }
        }
      }
      return out;
    });
  }

  @Override
  public List<DueMeasurement> dueSizes(int max, Instant now) {
    return db.read("read the upload queue", c -> {
      List<DueMeasurement> out = new ArrayList<>();
      // octet_length: the size in bytes, without reading the JSON itself into memory.
      try (PreparedStatement p = c.prepareStatement("SELECT uid, octet_length(measurement_json) AS bytes,"
          + " upload_attempts FROM measurements WHERE upload_state = 'pending'"
          + " AND (next_upload_at IS NULL OR next_upload_at <= ?) ORDER BY id LIMIT ?")) {
        p.setString(1, StoreTimes.format(now));
        p.setInt(2, max);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new DueMeasurement(rs.getString("uid"), rs.getLong("bytes"), rs.getInt("upload_attempts")));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<String> measurementJson(String uid) {
    return db.read("read measurement " + uid, c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT measurement_json FROM measurements WHERE uid = ?")) {
        p.setString(1, uid);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString("measurement_json")) : Optional.<String>empty();
        }
      }
    });
  }

  @Override
  public void markUploaded(Collection<String> uids, Instant at) {
    db.write("mark uploaded", c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE measurements SET upload_state = 'uploaded',"
          + " uploaded_at = ?, upload_error = NULL, next_upload_at = NULL WHERE uid = ?")) {
        for (String uid : uids) {
          p.setString(1, StoreTimes.format(at));
          p.setString(2, uid);
          Rows.requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
        }
      }
      return null;
    });
  }

  @Override
  public void markRejected(String uid, String reason, Instant at) {
    db.write("mark rejected", c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE measurements SET upload_state = 'rejected',"
          + " upload_error = ?, next_upload_at = NULL WHERE uid = ?")) {
        p.setString(1, reason);
        p.setString(2, uid);
        Rows.requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
      }
      return null;
    });
  }

  @Override
  public void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
    db.write("schedule upload retry", c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE measurements SET upload_attempts = upload_attempts + 1,"
          + " upload_error = ?, next_upload_at = ? WHERE uid = ?")) {
        for (String uid : uids) {
          p.setString(1, error);
          p.setString(2, StoreTimes.formatCeiling(nextAttempt));
          p.setString(3, uid);
          Rows.requireOneRow(p.executeUpdate(), "queued measurement with UID " + uid);
        }
      }
      return null;
    });
  }

  @Override
  public int requeueRejected() {
    return db.write("requeue rejected measurements", c -> {
      try (Statement s = c.createStatement()) {
        return s.executeUpdate("UPDATE measurements SET upload_state = 'pending', next_upload_at = NULL"
            + " WHERE upload_state = 'rejected'");
      }
    });
  }

  /** Makes every pending measurement due now (a hand-started upload waits for no backoff); returns how many. */
  public int makePendingDueNow() {
    return db.write("make pending uploads due", c -> {
      try (Statement s = c.createStatement()) {
        return s.executeUpdate("UPDATE measurements SET next_upload_at = NULL WHERE upload_state = 'pending'"
            + " AND next_upload_at IS NOT NULL");
      }
    });
  }

  @Override
  public QueueCounts counts() {
    return db.read("count the upload queue", StoredUploadQueue::queueCounts);
  }

  static QueueCounts queueCounts(Connection c) throws SQLException {
    long pending = 0;
    long uploaded = 0;
    long rejected = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT upload_state, count(*) AS n"
        + " FROM measurements GROUP BY upload_state")) {
      while (rs.next()) {
        switch (rs.getString("upload_state")) {
          case "pending" -> pending = rs.getLong("n");
          case "uploaded" -> uploaded = rs.getLong("n");
          case "rejected" -> rejected = rs.getLong("n");
          default -> { }
        }
      }
    }
    return new QueueCounts(pending, uploaded, rejected);
  }
}
