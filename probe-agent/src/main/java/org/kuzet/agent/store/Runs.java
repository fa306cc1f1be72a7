package org.kuzet.agent.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.kuzet.core.connectivity.NetworkState;

/** The {@code runs} table: a run is started, told what the connectivity check found, and finished or failed. */
public final class Runs {
  private static final String SELECT = "SELECT id, started_at, ended_at, trigger, campaign, software_version,"
      + " probe_asn, probe_cc, connectivity, measurement_count, blocked_count, probe_network_name, resolver_asn,"
      + " resolver_network_name, failure FROM runs ";

  private final Database db;

  Runs(Database db) {
    this.db = db;
  }

  /** Starts a run now; see {@link #beginRun(Trigger, String, String, NetworkState, Instant)}. */
  public long beginRun(Trigger trigger, String campaign, String softwareVersion, NetworkState connectivity) {
    return beginRun(trigger, campaign, softwareVersion, connectivity, Instant.now());
  }

  /**
   * Records the start of a run and returns its id.
   *
   * @param campaign the campaign's name for {@link Trigger#CAMPAIGN}, else null
   * @param connectivity what the connectivity check before the run found, or null when none was made
   */
  public long beginRun(Trigger trigger, String campaign, String softwareVersion, NetworkState connectivity,
      Instant startedAt) {
    if (trigger == Trigger.CAMPAIGN && (campaign == null || campaign.isBlank())) {
      throw new IllegalArgumentException("a campaign run needs the campaign's name");
    }
    return db.write("start a run", c -> {
      Rows.update(c, "INSERT INTO runs (started_at, trigger, campaign, software_version, connectivity)"
          + " VALUES (?, ?, ?, ?, ?)", StoreTimes.format(startedAt), trigger.wire(), campaign, softwareVersion,
          connectivity == null ? null : connectivity.wire());
      return Rows.insertedId(c);
    });
  }

  /** Records what the connectivity check found, when it ran after {@link #beginRun}. */
  public void setRunConnectivity(long runId, NetworkState connectivity) {
    db.write("update run " + runId, c -> {
      Rows.requireOneRow(Rows.update(c, "UPDATE runs SET connectivity = ? WHERE id = ?",
          connectivity == null ? null : connectivity.wire(), runId), "run " + runId);
      return null;
    });
  }

  /** Marks the run finished. A run never finished (the process was killed) keeps {@code ended_at} null. */
  public void finishRun(long runId, Instant endedAt) {
    db.write("finish run " + runId, c -> {
      Rows.requireOneRow(Rows.update(c, "UPDATE runs SET ended_at = ? WHERE id = ?", StoreTimes.format(endedAt),
          runId), "run " + runId);
      return null;
    });
  }

  /**
   * Records a run that could not be carried out (its target list vanished, became unreadable or invalid): started
   * and ended at once, nothing measured, {@code failure} saying why in words a volunteer can act on.
   */
  public long recordFailedRun(Trigger trigger, String campaign, String softwareVersion,
      NetworkState connectivity, Instant startedAt, Instant endedAt, String failure) {
    long id = beginRun(trigger, campaign, softwareVersion, connectivity, startedAt);
    failRun(id, endedAt, failure);
    return id;
  }

  /** Closes a run that failed part-way, with why. */
  public void failRun(long runId, Instant endedAt, String failure) {
    Objects.requireNonNull(failure, "failure");
    db.write("record the failure of run " + runId, c -> {
      Rows.requireOneRow(Rows.update(c, "UPDATE runs SET ended_at = ?, failure = ? WHERE id = ?",
          StoreTimes.format(endedAt), failure, runId), "run " + runId);
      return null;
    });
  }

  public Optional<RunRecord> lastRun() {
    return db.read("read the last run", c -> Rows.first(c, SELECT + "ORDER BY id DESC LIMIT 1", Runs::row));
  }

  public Optional<RunRecord> run(long id) {
    return db.read("read run " + id, c -> Rows.first(c, SELECT + "WHERE id = ?", Runs::row, id));
  }

  private static RunRecord row(ResultSet rs) throws SQLException {
    return new RunRecord(rs.getLong("id"), StoreTimes.parse(rs.getString("started_at")),
        StoreTimes.parse(rs.getString("ended_at")), Trigger.fromWire(rs.getString("trigger")), rs.getString("campaign"),
        rs.getString("software_version"), rs.getString("probe_asn"), rs.getString("probe_cc"),
        rs.getString("probe_network_name"), rs.getString("resolver_asn"), rs.getString("resolver_network_name"),
        Rows.networkState(rs.getString("connectivity")), rs.getLong("measurement_count"), rs.getLong("blocked_count"),
        rs.getString("failure"));
  }
}
