package org.kuzet.agent.store;

import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;

/**
 * Measurements recorded elsewhere (OONI's, another probe's export) and analysed by this kuzet ({@code kuzet analyze
 * --db}): stored beside the probe's own, but never queued for upload as this probe's.
 */
public final class Imports {
  private final Database db;

  Imports(Database db) {
    this.db = db;
  }

  /**
   * Stores a measurement recorded elsewhere with this kuzet's analysis, in a run of {@link Trigger#IMPORTED}:
   * {@code upload_state = 'local'}, so it is never uploaded as this probe's.
   */
  public long saveImported(long runId, String url, String targetList, Measurement m) {
    String json = MeasurementJson.toLine(m);
    return db.write("store measurement " + m.measurementUid(),
        c -> MeasurementRows.insert(c, runId, url, targetList, null, m, json, "local"));
  }
}
