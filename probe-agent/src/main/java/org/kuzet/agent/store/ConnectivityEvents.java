package org.kuzet.agent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.MeasurementJson;

/**
 * The outage timeline ({@code connectivity_events}): one state at a time, each from when it began until the next
 * (an open event has no end yet).
 */
public final class ConnectivityEvents {
  private final Database db;

  ConnectivityEvents(Database db) {
    this.db = db;
  }

  /**
   * Records that connectivity became {@code state} at {@code at}, closing the open event (if any) at the same
   * instant, in one transaction. Returns the new event's id.
   *
   * @param detailJson what the check saw (anchors reached, failures), as a JSON object; may be null
   */
  public long openConnectivityEvent(NetworkState state, Instant at, String detailJson) {
    if (detailJson != null) {
      try {
        JsonNode node = MeasurementJson.mapper().readTree(detailJson);
        if (node == null || !node.isObject()) {
          throw new IllegalArgumentException("connectivity detail must be a JSON object: " + detailJson);
        }
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("connectivity detail is not JSON: " + e.getOriginalMessage(), e);
      }
    }
    return db.write("record connectivity " + state.wire(), c -> {
      closeOpenEvent(c, at);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO connectivity_events (state, started_at, detail)"
          + " VALUES (?, ?, ?)")) {
        p.setString(1, state.wire());
        p.setString(2, StoreTimes.format(at));
        p.setString(3, detailJson);
        p.executeUpdate();
      }
      return Rows.insertedId(c);
    });
  }

  /** Ends the ongoing connectivity event at {@code at}; false when none was open. */
  public boolean closeConnectivityEvent(Instant at) {
    return db.write("close the connectivity event", c -> closeOpenEvent(c, at) > 0);
  }

  private static int closeOpenEvent(Connection c, Instant at) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("UPDATE connectivity_events SET ended_at = ?"
        + " WHERE ended_at IS NULL")) {
      p.setString(1, StoreTimes.format(at));
      return p.executeUpdate();
    }
  }

  /**
   * Closes an event left open by a process that died (the service was killed, the machine lost power) at the last
   * moment anything is known to have happened: the newest of the event's start, the last run's start or end and
   * the newest measurement. {@code note} goes into the event's detail as {@code "closed"}. Returns the end used,
   * or empty when no event was open.
   */
  public Optional<Instant> closeConnectivityEventLeftOpen(String note) {
    return db.write("close the connectivity event left open", c -> {
      List<ConnectivityRecord> open = events(c, "WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1");
      if (open.isEmpty()) {
        return Optional.<Instant>empty();
      }
      Instant end = open.get(0).startedAt();
      for (String sql : List.of("SELECT max(started_at) AS t FROM runs", "SELECT max(ended_at) AS t FROM runs",
          "SELECT max(start_time) AS t FROM measurements")) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
          Instant t = rs.next() ? StoreTimes.parse(rs.getString("t")) : null;
          if (t != null && t.isAfter(end)) {
            end = t;
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE connectivity_events SET ended_at = ?,"
          + " detail = json_set(coalesce(detail, '{}'), '$.closed', ?) WHERE ended_at IS NULL")) {
        p.setString(1, StoreTimes.format(end));
        p.setString(2, note);
        p.executeUpdate();
      }
      return Optional.of(end);
    });
  }

  /** The ongoing connectivity event, if any. */
  public Optional<ConnectivityRecord> currentConnectivity() {
    return db.read("read connectivity", c -> {
      List<ConnectivityRecord> open = events(c, "WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1");
      return open.isEmpty() ? Optional.empty() : Optional.of(open.get(0));
    });
  }

  /** The newest connectivity event, ongoing or ended, if any. */
  public Optional<ConnectivityRecord> lastConnectivity() {
    return db.read("read connectivity", c -> events(c, "ORDER BY id DESC LIMIT 1").stream().findFirst());
  }

  /** Events overlapping [since, until) (null: unbounded), oldest first. */
  public List<ConnectivityRecord> connectivityEvents(Instant since, Instant until) {
    return db.read("read connectivity events", c -> events(c, "WHERE (? IS NULL OR started_at < ?)"
        + " AND (? IS NULL OR ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id",
        StoreTimes.format(until), StoreTimes.format(until), StoreTimes.format(since), StoreTimes.format(since)));
  }

  private static List<ConnectivityRecord> events(Connection c, String clause, String... args) throws SQLException {
    List<ConnectivityRecord> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT id, state, started_at, ended_at, detail"
        + " FROM connectivity_events " + clause)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new ConnectivityRecord(rs.getLong("id"), Rows.networkState(rs.getString("state")),
              StoreTimes.parse(rs.getString("started_at")), StoreTimes.parse(rs.getString("ended_at")),
              rs.getString("detail")));
        }
      }
    }
    return out;
  }
}
