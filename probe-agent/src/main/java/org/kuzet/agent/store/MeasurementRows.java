package org.kuzet.agent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * A measurement as a row of {@code measurements}: the one INSERT (shared by the probe's own measurements and imported
 * ones) and the one mapping of a row to a {@link StoredMeasurement}.
 */
final class MeasurementRows {
  /** The columns {@link #row} reads (without {@code measurement_json}, which only some queries need). */
  static final String COLUMNS = "id, uid, run_id, input, target_list, category_code, start_time, runtime, probe_asn,"
      + " probe_cc, x_verdict, blocking, accessible, signals, upload_state, upload_attempts, upload_error";

  private MeasurementRows() {}

  /**
   * Inserts one measurement in state {@code uploadState} and counts it in its run; the caller's write transaction
   * makes the two one. Returns the row id.
   *
   * @param json {@code m} as {@link MeasurementJson#toLine}, made before the transaction (it need not hold the lock)
   */
  static long insert(Connection c, long runId, String url, String targetList, String categoryCode, Measurement m,
      String json, String uploadState) throws SQLException {
    TestKeys k = m.testKeys();
    Rows.update(c, "INSERT INTO measurements (uid, run_id, report_id, input, target_list, category_code, start_time,"
        + " runtime, probe_asn, probe_cc, x_verdict, blocking, accessible, signals, measurement_json, upload_state,"
        + " upload_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        m.measurementUid(), runId, m.reportId(), url == null ? m.input() : url, targetList, categoryCode,
        m.measurementStartTime(), m.testRuntime(), m.probeAsn(), m.probeCc(),
        k.xVerdict() == null ? null : k.xVerdict().wire(), k.blocking() == null ? null : k.blocking().toString(),
        k.accessible() == null ? null : k.accessible() ? 1 : 0, signalsJson(k.xSignals()), json, uploadState);
    long id = Rows.insertedId(c);
    Rows.requireOneRow(Rows.update(c, "UPDATE runs SET measurement_count = measurement_count + 1,"
        + " blocked_count = blocked_count + ?, probe_asn = coalesce(probe_asn, ?), probe_cc = coalesce(probe_cc, ?),"
        + " probe_network_name = coalesce(probe_network_name, ?), resolver_asn = coalesce(resolver_asn, ?),"
        + " resolver_network_name = coalesce(resolver_network_name, ?) WHERE id = ?",
        k.xVerdict() == Verdict.BLOCKED ? 1 : 0, m.probeAsn(), m.probeCc(), m.probeNetworkName(), m.resolverAsn(),
        m.resolverNetworkName(), runId), "run " + runId);
    return id;
  }

  private static String signalsJson(List<Signal> signals) {
    if (signals == null || signals.isEmpty()) {
      return "[]";
    }
    try {
      return MeasurementJson.mapper().writeValueAsString(signals.stream().map(Signal::wire).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current row of {@code rs}: {@link #COLUMNS}, and {@code measurement_json} when {@code json}. */
  static StoredMeasurement row(ResultSet rs, boolean json) throws SQLException {
    Long run = Rows.nullableLong(rs, "run_id");
    int accessible = rs.getInt("accessible");
    Boolean acc = rs.wasNull() ? null : accessible == 1;
    String stored = rs.getString("signals");
    List<String> signals;
    try {
      signals = Arrays.asList(MeasurementJson.mapper().readValue(stored, String[].class));
    } catch (JsonProcessingException e) {
      signals = List.of(stored);
    }
    return new StoredMeasurement(rs.getLong("id"), rs.getString("uid"), run, rs.getString("input"),
        rs.getString("target_list"), rs.getString("category_code"), StoreTimes.parse(rs.getString("start_time")),
        rs.getDouble("runtime"), rs.getString("probe_asn"), rs.getString("probe_cc"), rs.getString("x_verdict"),
        rs.getString("blocking"), acc, List.copyOf(signals), rs.getString("upload_state"),
        rs.getInt("upload_attempts"), rs.getString("upload_error"), json ? rs.getString("measurement_json") : null);
  }
}
