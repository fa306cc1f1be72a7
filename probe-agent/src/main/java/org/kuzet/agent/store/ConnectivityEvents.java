package org.kuzet.agent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.MeasurementJson;

/**
 * The outage timeline ({@code connectivity_events}): one state at a time, each from when it began until the next
 * (an open event has no end yet).
 */
public final class ConnectivityEvents {
  private static final String SELECT = "SELECT id, state, started_at, ended_at, detail FROM connectivity_events ";

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
      Rows.update(c, "INSERT INTO connectivity_events (state, started_at, detail) VALUES (?, ?, ?)", state.wire(),
          StoreTimes.format(at), detailJson);
      return Rows.insertedId(c);
    });
  }

  /** Ends the ongoing connectivity event at {@code at}; false when none was open. */
  public boolean closeConnectivityEvent(Instant at) {
    return db.write("close the connectivity event", c -> closeOpenEvent(c, at) > 0);
  }

  private static int closeOpenEvent(Connection c, Instant at) throws SQLException {
    return Rows.update(c, "UPDATE connectivity_events SET ended_at = ? WHERE ended_at IS NULL", StoreTimes.format(at));
  }

  /**
   * Closes an event left open by a process that died (the service was killed, the machine lost power) at the last
   * moment anything is known to have happened: the newest of the event's start, the last run's start or end and
   * the newest measurement. {@code note} goes into the event's detail as {@code "closed"}. Returns the end used,
   * or empty when no event was open.
   */
  public Optional<Instant> closeConnectivityEventLeftOpen(String note) {
    return db.write("close the connectivity event left open", c -> {
      Optional<ConnectivityRecord> open = Rows.first(c, SELECT + "WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1",
          ConnectivityEvents::row);
      if (open.isEmpty()) {
        return Optional.<Instant>empty();
      }
      Instant end = open.get().startedAt();
      for (String sql : List.of("SELECT max(started_at) AS t FROM runs", "SELECT max(ended_at) AS t FROM runs",
          "SELECT max(start_time) AS t FROM measurements")) {
        Instant t = Rows.first(c, sql, rs -> StoreTimes.parse(rs.getString("t"))).orElse(null);
        if (t != null && t.isAfter(end)) {
          end = t;
        }
      }
      Rows.update(c, "UPDATE connectivity_events SET ended_at = ?, detail = json_set(coalesce(detail, '{}'),"
          + " '$.closed', ?) WHERE ended_at IS NULL", StoreTimes.format(end), note);
      return Optional.of(end);
    });
  }

  /** The ongoing connectivity event, if any. */
  public Optional<ConnectivityRecord> currentConnectivity() {
    return db.read("read connectivity", c -> Rows.first(c, SELECT + "WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1",
        ConnectivityEvents::row));
  }

  /** The newest connectivity event, ongoing or ended, if any. */
  public Optional<ConnectivityRecord> lastConnectivity() {
    return db.read("read connectivity", c -> Rows.first(c, SELECT + "ORDER BY id DESC LIMIT 1",
        ConnectivityEvents::row));
  }

  /** Events overlapping [since, until) (null: unbounded), oldest first. */
  public List<ConnectivityRecord> connectivityEvents(Instant since, Instant until) {
    String from = StoreTimes.format(since);
    String to = StoreTimes.format(until);
    return db.read("read connectivity events", c -> Rows.list(c, SELECT + "WHERE (? IS NULL OR started_at < ?)"
        + " AND (? IS NULL OR ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id", ConnectivityEvents::row,
        to, to, from, from));
  }

  private static ConnectivityRecord row(ResultSet rs) throws SQLException {
    return new ConnectivityRecord(rs.getLong("id"), Rows.networkState(rs.getString("state")),
        StoreTimes.parse(rs.getString("started_at")), StoreTimes.parse(rs.getString("ended_at")),
        rs.getString("detail"));
  }
}
