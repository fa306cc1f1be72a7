package org.kuzet.agent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.targets.Target;

/**
 * The probe's measurements: storing one (queued for upload, counted in its run) and the analysts' reads over them
 * (filters, a URL's timeline, blocked per category per day, the control's failures in a run).
 */
public final class Measurements {
  private final Database db;

  Measurements(Database db) {
    this.db = db;
  }

  /**
   * Stores a measurement of {@code target}, from the list named {@code targetList} (e.g. "kz", a file name,
   * "command line"); see {@link #save(long, String, String, String, Measurement)}.
   */
  public long save(long runId, Target target, String targetList, Measurement m) {
    return save(runId, target.url(), targetList, target.categoryCode(), m);
  }

  /**
   * Stores one measurement and queues it for upload ({@code upload_state = 'pending'}), in one transaction
   * that also counts it in its run. Returns the row id.
   *
   * @param url the target's URL as listed (the measurement's {@code input})
   * @param targetList where the target came from (a list name, a file), or null
   * @param categoryCode the target's Citizen Lab category code, or null
   * @throws StoreException when the UID is already stored, the run does not exist, or the database is locked
   */
  public long save(long runId, String url, String targetList, String categoryCode, Measurement m) {
    String json = MeasurementJson.toLine(m);
    return db.write("store measurement " + m.measurementUid(),
        c -> MeasurementRows.insert(c, runId, url, targetList, categoryCode, m, json, "pending"));
  }

  /** The measurement with this UID, its JSON included. */
  public Optional<StoredMeasurement> byUid(String uid) {
    return db.read("read measurement " + uid, c -> Rows.first(c, "SELECT " + MeasurementRows.COLUMNS
        + ", measurement_json FROM measurements WHERE uid = ?", rs -> MeasurementRows.row(rs, true), uid));
  }

  /**
   * Measurements whose UID starts with {@code prefix}, or whose UID's random part (after the last {@code _}, as
   * {@code kuzet results} shows it in its ID column) does; at most {@code max}, newest first, without their JSON.
   */
  public List<StoredMeasurement> byUidPrefix(String prefix, int max) {
    return db.read("find measurement " + prefix, c -> {
      List<StoredMeasurement> out = new ArrayList<>();
      // The SQL narrows (any segment after a '_'); the random part is told apart here.
      Rows.each(c, "SELECT " + MeasurementRows.COLUMNS + " FROM measurements WHERE substr(uid, 1, length(?)) = ?"
          + " OR instr(uid, '_' || ?) > 0 ORDER BY start_time DESC, id DESC", rs -> {
            StoredMeasurement m = MeasurementRows.row(rs, false);
            String tail = m.uid().substring(m.uid().lastIndexOf('_') + 1);
            if (out.size() < max && (m.uid().startsWith(prefix) || tail.startsWith(prefix))) {
              out.add(m);
            }
          }, prefix, prefix, prefix);
      return out;
    });
  }

  /** Measurements matching {@code filter}, newest first, without their JSON. */
  public List<StoredMeasurement> find(MeasurementFilter filter) {
    return db.read("list measurements", c -> {
      List<StoredMeasurement> out = new ArrayList<>();
      select(c, filter, false, "start_time DESC, id DESC", rs -> out.add(MeasurementRows.row(rs, false)));
      return out;
    });
  }

  /** Every measurement matching {@code filter}, oldest first, JSON included; streamed (exports of any size). */
  public void forEach(MeasurementFilter filter, Consumer<StoredMeasurement> action) {
    db.read("read measurements", c -> {
      select(c, filter, true, "start_time, id", rs -> action.accept(MeasurementRows.row(rs, true)));
      return null;
    });
  }

  private static void select(Connection c, MeasurementFilter f, boolean json, String order, Rows.RowAction action)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(MeasurementRows.COLUMNS)
        .append(json ? ", measurement_json" : "").append(" FROM measurements WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.since() != null) {
      sql.append(" AND start_time >= ?");
      args.add(StoreTimes.format(f.since()));
    }
    if (f.until() != null) {
      sql.append(" AND start_time < ?");
      args.add(StoreTimes.format(f.until()));
    }
    if (f.urlPattern() != null) {
      sql.append(f.urlPattern().contains("*") ? " AND input GLOB ?" : " AND instr(input, ?) > 0");
      args.add(f.urlPattern());
    }
    if (f.verdict() != null) {
      sql.append(" AND x_verdict = ?");
      args.add(f.verdict().wire());
    }
    if (f.runId() != null) {
      sql.append(" AND run_id = ?");
      args.add(f.runId());
    }
    sql.append(" ORDER BY ").append(order);
    if (f.limit() != null) {
      sql.append(" LIMIT ?");
      args.add(f.limit());
    }
    Rows.each(c, sql.toString(), action, args.toArray());
  }

  /** One point of a URL's timeline. */
  public record TimelinePoint(Instant startTime, String verdict, String uid) {}

  /** The analysts' query "timeline of one URL": its verdicts in [since, until), oldest first. */
  public List<TimelinePoint> timeline(String url, Instant since, Instant until) {
    return db.read("read the timeline of " + url, c -> Rows.list(c, "SELECT start_time, x_verdict, uid"
        + " FROM measurements WHERE input = ? AND start_time >= ? AND start_time < ? ORDER BY start_time",
        rs -> new TimelinePoint(StoreTimes.parse(rs.getString("start_time")), rs.getString("x_verdict"),
            rs.getString("uid")), url, StoreTimes.format(since), StoreTimes.format(until)));
  }

  /**
   * How many of a run's measurements had each {@code test_keys.control_failure} (the key null for those the control
   * answered): what {@code kuzet status} says about the control's health.
   */
  public Map<String, Long> controlFailures(long runId) {
    return db.read("count control failures", c -> {
      Map<String, Long> out = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
      Rows.each(c, "SELECT json_extract(measurement_json, '$.test_keys.control_failure') AS failure,"
          + " count(*) AS n FROM measurements WHERE run_id = ? GROUP BY failure",
          rs -> out.put(rs.getString("failure"), rs.getLong("n")), runId);
      return out;
    });
  }

  /** One cell of "blocked per category per day". */
  public record CategoryDay(String day, String categoryCode, long blocked) {}

  /** The analysts' query "blocked per category per day" over [since, until), by day then category. */
  public List<CategoryDay> blockedPerCategoryPerDay(Instant since, Instant until) {
    return db.read("count blocked per category per day", c -> Rows.list(c, "SELECT date(start_time) AS day,"
        + " category_code, count(*) AS blocked FROM measurements WHERE x_verdict = 'blocked' AND start_time >= ?"
        + " AND start_time < ? GROUP BY day, category_code ORDER BY day, category_code",
        rs -> new CategoryDay(rs.getString("day"), rs.getString("category_code"), rs.getLong("blocked")),
        StoreTimes.format(since), StoreTimes.format(until)));
  }
}
