package org.kuzet.backend.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.kuzet.schema.db.MigrationSet;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The collector's store on a PostgreSQL server, for thousands of probes: {@code raw_measurements} keeps each signed
 * measurement exactly as received (canonical bytes, signature, key id) with a JSONB copy for queries, and
 * {@code fastpath} holds OONI fastpath's summary columns plus kuzet's, partitioned by month of
 * {@code measurement_start_time} (partitions made on demand). Schema by the numbered migrations in
 * {@code resources/org/kuzet/backend/collector/postgresql} ({@link #MIGRATIONS}), applied under an advisory lock so
 * collectors starting together migrate once.
 *
 * <p>A batch is one transaction of batched statements. The UID's uniqueness is {@code raw_measurements}'s primary
 * key: rows are inserted with {@code ON CONFLICT DO NOTHING}, in UID order (so two batches sharing UIDs never
 * deadlock); a UID that was already there is judged against the stored row. A concurrent upload of the same UID
 * waits for the first to commit, then finds it stored: one row, never an overwrite. Thread-safe: every call takes a
 * connection from a pool.
 */
public final class PostgresCollectorStore implements CollectorStore {
  static final MigrationSet MIGRATIONS = new MigrationSet(PostgresCollectorStore.class, "postgresql",
      List.of("V1__init.sql"));
  /** pg_advisory_xact_lock keys: "kzcl" for migrations, +1 for making partitions. */
  private static final long MIGRATION_LOCK = 0x6b7a636cL;
  private static final long PARTITION_LOCK = MIGRATION_LOCK + 1;
  /** Months further than this from the time of receipt get no partition of their own (fastpath_default). */
  private static final int PARTITION_MONTHS_BACK = 24;
  private static final int PARTITION_MONTHS_AHEAD = 1;
  private static final System.Logger LOG = System.getLogger(PostgresCollectorStore.class.getName());

  private static final String INSERT_RAW = "INSERT INTO raw_measurements (measurement_uid, key_id, received_at,"
      + " measurement_start_time, measurement, signature, body) VALUES (?,?,?,?,?,?,?::jsonb)"
      + " ON CONFLICT (measurement_uid) DO NOTHING";
  private static final String INSERT_FASTPATH = "INSERT INTO fastpath (measurement_uid, report_id, input, domain,"
      + " probe_cc, probe_asn, test_name, test_start_time, measurement_start_time, filename, scores, platform,"
      + " anomaly, confirmed, msm_failure, blocking_type, software_name, software_version, engine_name,"
      + " engine_version, architecture, test_version, test_runtime, test_helper_address, test_helper_type,"
      + " control_failure, update_time, x_key_id, x_verdict, x_signals)"
      + " VALUES (?,?,?,?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private final PostgresUrl url;
  private final HikariDataSource pool;
  private final Set<YearMonth> partitions = ConcurrentHashMap.newKeySet();

  private PostgresCollectorStore(PostgresUrl url, HikariDataSource pool) {
    this.url = url;
    this.pool = pool;
  }

  /** Opens the store with a pool of at most {@code poolSize} connections, migrating the schema if needed. */
  public static PostgresCollectorStore open(PostgresUrl url, int poolSize) throws IOException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    String password = url.password() != null ? url.password() : System.getenv("PGPASSWORD");
    if (password != null) {
      config.setPassword(password);
    }
    config.setPoolName("kuzet-collector");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1); // fail at start, with the server's reason, not at the first upload
    config.addDataSourceProperty("ApplicationName", "kuzet-collector");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to the collector database " + url + ": " + reason(e)
          + "; check the host, port, database name, user and password (PGPASSWORD or ~/.pgpass), and that the"
          + " server accepts connections from this machine", e);
    }
    PostgresCollectorStore store = new PostgresCollectorStore(url, pool);
    try {
      store.migrate();
      return store;
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The innermost message of a connection failure (the server's or the network's reason); never the password. */
  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private void migrate() throws IOException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        s.execute("CREATE TABLE IF NOT EXISTS kuzet_collector_schema (version integer NOT NULL)");
        int version = 0;
        try (ResultSet rs = s.executeQuery("SELECT max(version) AS version FROM kuzet_collector_schema")) {
          if (rs.next()) {
            version = rs.getInt("version");
          }
        }
        if (version > MIGRATIONS.latestVersion()) {
          throw new IOException("the collector database " + url + " was written by a newer kuzet (schema "
              + version + ", this one knows " + MIGRATIONS.latestVersion() + "); upgrade kuzet");
        }
        if (version == 0 && exists(c, "raw_measurements")) {
          throw new IOException("the database " + url + " has a table raw_measurements that kuzet did not make;"
              + " it was left untouched: give the collector a database of its own");
        }
        for (MigrationSet.Migration m : MIGRATIONS.after(version)) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
        }
        s.execute("DELETE FROM kuzet_collector_schema");
        s.execute("INSERT INTO kuzet_collector_schema (version) VALUES (" + MIGRATIONS.latestVersion() + ")");
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException(url + ": cannot set up the collector's tables (" + e.getMessage() + ")", e);
    }
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL AS present")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getBoolean("present");
      }
    }
  }

  /** The schema version of the database. */
  int schemaVersion() throws IOException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT max(version) AS version FROM kuzet_collector_schema")) {
      return rs.next() ? rs.getInt("version") : 0;
    } catch (SQLException e) {
      throw new IOException(url + ": " + e.getMessage(), e);
    }
  }

  /** One row of the batch on its way in. */
  private static final class Pending {
    final int index;
    final ReceivedMeasurement m;
    final FastpathRow row;
    final String body;

    Pending(int index, ReceivedMeasurement m) {
      this.index = index;
      this.m = m;
      JsonNode tree = parse(m.measurementJson());
      JsonNode clean = tree;
      String body = m.measurementJson();
      if (body.contains("\\u0000")) {
        // PostgreSQL's jsonb and text hold no NUL character: the queryable copies get U+FFFD, the bytes stay exact.
        clean = withoutNul(tree);
        body = clean.toString();
      }
      this.body = body;
      this.row = FastpathRow.of(clean, m.keyId(), m.receivedAt());
    }
  }

  @Override
  public List<Outcome> store(List<ReceivedMeasurement> batch) throws IOException {
    Outcome[] outcomes = new Outcome[batch.size()];
    // The first item of each UID goes to the database; later ones are judged against what is stored for it.
    Map<String, Pending> first = new HashMap<>();
    List<Pending> candidates = new ArrayList<>();
    List<Integer> repeats = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      ReceivedMeasurement m = batch.get(i);
      if (first.containsKey(m.uid())) {
        repeats.add(i);
        continue;
      }
      Pending p = new Pending(i, m);
      first.put(m.uid(), p);
      candidates.add(p);
    }
    candidates.sort(Comparator.comparing(p -> p.m.uid()));
    for (Pending p : candidates) {
      ensurePartition(p.row.measurementStartTime(), p.m.receivedAt());
    }
    Map<String, Stored> reference = new HashMap<>();
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        int[] inserted;
        try (PreparedStatement raw = c.prepareStatement(INSERT_RAW)) {
          for (Pending p : candidates) {
            raw.setString(1, p.m.uid());
            raw.setString(2, p.m.keyId());
            raw.setTimestamp(3, Timestamp.from(p.m.receivedAt()));
            raw.setObject(4, p.row.measurementStartTime());
            raw.setBytes(5, p.m.measurementJson().getBytes(StandardCharsets.UTF_8));
            raw.setString(6, p.m.signatureJson());
            raw.setString(7, p.body);
            raw.addBatch();
          }
          inserted = raw.executeBatch();
        }
        List<String> existing = new ArrayList<>();
        try (PreparedStatement fast = c.prepareStatement(INSERT_FASTPATH)) {
          int rows = 0;
          for (int k = 0; k < candidates.size(); k++) {
            Pending p = candidates.get(k);
            if (inserted[k] == 0) {
              existing.add(p.m.uid());
              continue;
            }
            outcomes[p.index] = Outcome.STORED;
            reference.put(p.m.uid(), new Stored(p.m.uid(), p.m.keyId(), p.m.receivedAt(), p.m.measurementJson(),
                p.m.signatureJson()));
            bind(c, fast, p.row);
            fast.addBatch();
            rows++;
          }
          if (rows > 0) {
            fast.executeBatch();
          }
        }
        if (!existing.isEmpty()) {
          try (PreparedStatement q = c.prepareStatement("SELECT measurement_uid, key_id, received_at, measurement,"
              + " signature FROM raw_measurements WHERE measurement_uid = ANY(?)")) {
            q.setArray(1, c.createArrayOf("text", existing.toArray()));
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                Stored s = stored(rs);
                reference.put(s.uid(), s);
              }
            }
          }
          for (String uid : existing) {
            Pending p = first.get(uid);
            outcomes[p.index] = judge(reference.get(uid), p.m);
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken: nothing was committed
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException(url + ": cannot store a batch (" + e.getMessage() + ")", e);
    }
    for (int i : repeats) {
      ReceivedMeasurement m = batch.get(i);
      outcomes[i] = judge(reference.get(m.uid()), m);
    }
    return Arrays.asList(outcomes);
  }

  private static Outcome judge(Stored stored, ReceivedMeasurement m) {
    if (stored == null) {
      throw new IllegalStateException("no stored row for " + m.uid() + " after an insert that found one");
    }
    if (stored.keyId().equals(m.keyId()) && stored.measurementJson().equals(m.measurementJson())) {
      return Outcome.DUPLICATE;
    }
    LOG.log(System.Logger.Level.WARNING, "uid conflict: {0} is stored (key {1}); a different measurement under the"
        + " same uid from key {2} was rejected, the stored one kept", m.uid(), stored.keyId(), m.keyId());
    return Outcome.CONFLICT;
  }

  private static Stored stored(ResultSet rs) throws SQLException {
    return new Stored(rs.getString("measurement_uid"), rs.getString("key_id"),
        rs.getTimestamp("received_at").toInstant(), new String(rs.getBytes("measurement"), StandardCharsets.UTF_8),
        rs.getString("signature"));
  }

  private static void bind(Connection c, PreparedStatement s, FastpathRow r) throws SQLException {
    int i = 1;
    s.setString(i++, r.measurementUid());
    s.setString(i++, r.reportId());
    s.setString(i++, r.input());
    s.setString(i++, r.domain());
    s.setString(i++, r.probeCc());
    s.setInt(i++, r.probeAsn());
    s.setString(i++, r.testName());
    s.setObject(i++, r.testStartTime(), Types.TIMESTAMP);
    s.setObject(i++, r.measurementStartTime());
    s.setString(i++, null);
    s.setString(i++, r.scores());
    s.setString(i++, r.platform());
    s.setBoolean(i++, r.anomaly());
    s.setBoolean(i++, r.confirmed());
    s.setBoolean(i++, r.msmFailure());
    s.setString(i++, r.blockingType());
    s.setString(i++, r.softwareName());
    s.setString(i++, r.softwareVersion());
    s.setString(i++, r.engineName());
    s.setString(i++, r.engineVersion());
    s.setString(i++, r.architecture());
    s.setString(i++, r.testVersion());
    if (r.testRuntime() == null) {
      s.setNull(i++, Types.REAL);
    } else {
      s.setFloat(i++, r.testRuntime().floatValue());
    }
    s.setString(i++, r.testHelperAddress());
    s.setString(i++, r.testHelperType());
    s.setString(i++, r.controlFailure());
    s.setTimestamp(i++, Timestamp.from(r.updateTime()));
    s.setString(i++, r.keyId());
    s.setString(i++, r.xVerdict());
    Array signals = c.createArrayOf("text", r.xSignals().toArray());
    s.setArray(i, signals);
  }

  /**
   * Makes the month's partition of {@code fastpath} when the month is near the time of receipt and has none yet.
   * Rows of that month already in {@code fastpath_default} move into it. Its own transaction, under a lock, so
   * concurrent batches make it once.
   */
  private void ensurePartition(LocalDateTime start, Instant receivedAt) throws IOException {
    YearMonth month = YearMonth.from(start);
    if (partitions.contains(month)) {
      return;
    }
    YearMonth received = YearMonth.from(receivedAt.atZone(ZoneOffset.UTC));
    if (month.isBefore(received.minusMonths(PARTITION_MONTHS_BACK))
        || month.isAfter(received.plusMonths(PARTITION_MONTHS_AHEAD))) {
      return; // fastpath_default: a probe's clock far off must not make partitions at will
    }
    String name = String.format("fastpath_%04d_%02d", month.getYear(), month.getMonthValue());
    String from = "'" + month.atDay(1) + " 00:00:00'";
    String to = "'" + month.plusMonths(1).atDay(1) + " 00:00:00'";
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + PARTITION_LOCK + ")");
        if (!exists(c, name)) {
          s.execute("CREATE TABLE " + name + " (LIKE fastpath INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
          String range = " WHERE measurement_start_time >= " + from + " AND measurement_start_time < " + to;
          s.execute("INSERT INTO " + name + " SELECT * FROM fastpath_default" + range);
          s.execute("DELETE FROM fastpath_default" + range);
          s.execute("ALTER TABLE fastpath ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to
              + ")");
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
      partitions.add(month);
    } catch (SQLException e) {
      throw new IOException(url + ": cannot make the partition " + name + " (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public long count() throws IOException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) AS n FROM raw_measurements")) {
      return rs.next() ? rs.getLong("n") : 0;
    } catch (SQLException e) {
      throw new IOException(url + ": cannot count measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void export(LocalDateTime since, Sink sink) throws IOException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false); // the driver streams (fetch size) only inside a transaction
      try (PreparedStatement q = c.prepareStatement("SELECT measurement_uid, key_id, received_at, measurement,"
          + " signature FROM raw_measurements WHERE measurement_start_time >= ?"
          + " ORDER BY measurement_start_time, measurement_uid")) {
        q.setFetchSize(1000);
        q.setObject(1, since);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            sink.accept(stored(rs));
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IOException(url + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public List<NetworkDay> blockedPerNetworkPerDay(LocalDateTime from, LocalDateTime to) throws IOException {
    NetworkDays days = new NetworkDays();
    try (Connection c = pool.getConnection();
         PreparedStatement q = c.prepareStatement("SELECT measurement_start_time::date AS day, probe_asn,"
             + " x_verdict = 'blocked' AS blocked, x_signals, count(*) AS n FROM fastpath"
             + " WHERE measurement_start_time >= ? AND measurement_start_time < ?"
             + " GROUP BY 1, 2, 3, 4")) {
      q.setObject(1, from);
      q.setObject(2, to);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String[] signals = (String[]) rs.getArray("x_signals").getArray();
          int asn = rs.getInt("probe_asn");
          days.add(rs.getObject("day", LocalDate.class), asn == 0 ? "" : "AS" + asn, rs.getBoolean("blocked"),
              Arrays.asList(signals), rs.getLong("n"));
        }
      }
      return days.result();
    } catch (SQLException e) {
      throw new IOException(url + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public List<DomainDay> domainHistory(String domain, LocalDateTime from, LocalDateTime to) throws IOException {
    List<DomainDay> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
         PreparedStatement q = c.prepareStatement("SELECT measurement_start_time::date AS day,"
             + " coalesce(x_verdict, '') AS verdict, count(*) AS n FROM fastpath WHERE domain = ?"
             + " AND measurement_start_time >= ? AND measurement_start_time < ? GROUP BY 1, 2 ORDER BY 1, 2")) {
      q.setString(1, domain.toLowerCase(java.util.Locale.ROOT));
      q.setObject(2, from);
      q.setObject(3, to);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new DomainDay(rs.getObject("day", LocalDate.class), rs.getString("verdict"), rs.getLong("n")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException(url + ": cannot read measurements (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return url.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return UploadProtocol.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a verified measurement is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A copy of {@code node} with every NUL character (in names and strings) as U+FFFD. */
  static JsonNode withoutNul(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(node.asText().replace('\0', '\uFFFD'));
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(withoutNul(e)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey().replace('\0', '\uFFFD'), withoutNul(e.getValue()));
      }
      return out;
    }
    return node;
  }

}
