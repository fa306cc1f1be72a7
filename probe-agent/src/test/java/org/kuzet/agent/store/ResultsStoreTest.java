package org.kuzet.agent.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.UploadQueue.QueueCounts;
import org.kuzet.agent.upload.UploadQueue.QueuedMeasurement;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.db.SchemaMigrations;
import org.kuzet.targets.Target;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("data/kuzet/kuzet.db");
  }

  // ------------------------------------------------------------ migrations

  @Test
  void freshDatabaseGetsEveryMigrationWalAndPrivatePermissions() throws Exception {
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
    }
    assertEquals(SchemaMigrations.latestVersion(), ResultsStore.schemaVersion(db()));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        rs.next();
        assertEquals("wal", rs.getString(1));
      }
      for (String table : List.of("runs", "measurements", "connectivity_events", "settings")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + table
            + "'")) {
          rs.next();
          assertEquals(1, rs.getInt(1), table);
        }
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT start_time, x_verdict FROM measurements"
          + " WHERE input = 'https://a.kz/' AND start_time >= '2026-11-01' AND start_time < '2026-12-01'")) {
        rs.next();
        assertTrue(rs.getString(4).contains("measurements_input_time"), rs.getString(4));
      }
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db().getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())));
  }

  @Test
  void olderDatabaseIsMigratedKeepingItsRows() throws Exception {
    Files.createDirectories(db().getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      for (String sql : SchemaMigrations.all().get(0).statements()) {
        s.execute(sql);
      }
      s.execute("PRAGMA user_version = 1");
      s.execute("INSERT INTO runs (started_at, trigger, software_version) VALUES ('2026-10-01 00:00:00', 'manual',"
          + " '0.0.1')");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, x_verdict, measurement_json)"
          + " VALUES ('old-1', 1, 'https://a.kz/', '2026-10-01 00:00:01', 1.0, 'blocked', '{}')");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
      assertEquals(new QueueCounts(1, 0, 0), store.counts(), "a measurement from before the queue is pending");
      assertEquals("blocked", store.byUid("old-1").orElseThrow().verdict());
    }
  }

  @Test
  void version2DatabaseKeepsRunsAndQueueThroughTheImportedRunsRebuild() throws Exception {
    Files.createDirectories(db().getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      for (SchemaMigrations.Migration m : SchemaMigrations.all().subList(0, 2)) {
        for (String sql : m.statements()) {
          s.execute(sql);
        }
      }
      s.execute("PRAGMA user_version = 2");
      s.execute("INSERT INTO runs (started_at, trigger, software_version, measurement_count) VALUES"
          + " ('2026-10-01 00:00:00', 'scheduled', '0.0.1', 2)");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, x_verdict, measurement_json,"
          + " upload_state, upload_attempts, uploaded_at) VALUES ('old-1', 1, 'https://a.kz/', '2026-10-01 00:00:01',"
          + " 1.0, 'blocked', '{}', 'uploaded', 2, '2026-10-02 00:00:00')");
      s.execute("INSERT INTO measurements (uid, run_id, input, start_time, runtime, measurement_json) VALUES"
          + " ('old-2', 1, 'https://b.kz/', '2026-10-01 00:00:02', 1.0, '{}')");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals(SchemaMigrations.latestVersion(), store.schemaVersion());
      assertEquals(new QueueCounts(1, 1, 0), store.counts());
      assertEquals(Trigger.SCHEDULED, store.run(1).orElseThrow().trigger());
      assertEquals(2, store.run(1).orElseThrow().measurementCount());
      assertEquals("blocked", store.byUid("old-1").orElseThrow().verdict());
      long imported = store.beginRun(Trigger.IMPORTED, null, "0.1.0", null);
      assertEquals(Trigger.IMPORTED, store.run(imported).orElseThrow().trigger());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v3'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "no table of the rebuild is left behind");
    }
  }

  @Test
  void newerDatabaseIsRefusedAndLeftAsItWas() throws Exception {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.putSetting("k", "v");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    byte[] before = Files.readAllBytes(db());
    StoreException e = assertThrows(StoreException.class, () -> ResultsStore.open(db()));
    assertTrue(e.getMessage().contains("newer kuzet") && e.getMessage().contains("99")
        && e.getMessage().contains(db().toString()), e.getMessage());
    assertThrows(StoreException.class, () -> ResultsStore.openReadOnly(db()));
    assertArrayEquals(before, Files.readAllBytes(db()));
  }

  @Test
  void corruptOrForeignFilesAreRefusedUntouched() throws Exception {
    Files.createDirectories(dir);
    Path text = dir.resolve("notes.db");
    Files.writeString(text, "my notes, not a database\n");
    byte[] garbage = new byte[8192];
    new Random(1).nextBytes(garbage);
    System.arraycopy("SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, garbage, 0, 16);
    Path damaged = dir.resolve("damaged.db");
    Files.write(damaged, garbage);
    Path foreign = dir.resolve("foreign.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE contacts (name TEXT)");
    }
    Map<Path, String> cases = Map.of(text, "not an SQLite database", damaged, "damaged", foreign, "not a kuzet one");
    for (Map.Entry<Path, String> c : cases.entrySet()) {
      byte[] before = Files.readAllBytes(c.getKey());
      StoreException e = assertThrows(StoreException.class, () -> ResultsStore.open(c.getKey()));
      assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains(c.getKey().toString()),
          e.getMessage());
      assertTrue(e.getMessage().contains("untouched"), e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(c.getKey()), c.getKey() + " was changed");
    }
  }

  @Test
  void aLockedDatabaseWaitsThenSaysSo() throws Exception {
    try (ResultsStore store = ResultsStore.open(db(), Duration.ofMillis(200));
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      StoreException e = assertThrows(StoreException.class,
          () -> store.beginRun(Trigger.MANUAL, null, "0.1.0", null));
      assertTrue(e.getMessage().contains("locked by another kuzet process"), e.getMessage());
      s.execute("ROLLBACK");
      assertEquals(1, store.beginRun(Trigger.MANUAL, null, "0.1.0", null), "works once the other writer is done");
    }
  }

  // ------------------------------------------------------------ runs and measurements

  @Test
  void savesMeasurementsCountsThemInTheirRunAndQueuesThem() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run = store.beginRun(Trigger.CAMPAIGN, "election-2026", "0.1.0", NetworkState.ONLINE, T0);
      Target target = new Target("https://kuresker.org/", "NEWS", "KZ", "kz", null, "");
      Measurement blocked = TestMeasurements.blocked("https://kuresker.org/", T0.plusSeconds(1));
      Measurement ok = TestMeasurements.accessible("https://holanews.kz/", T0.plusSeconds(2));
      store.save(run, target, "kz", blocked);
      store.save(run, "https://holanews.kz/", "kz", "NEWS", ok);
      store.finishRun(run, T0.plusSeconds(60));

      RunRecord r = store.lastRun().orElseThrow();
      assertEquals(run, r.id());
      assertEquals(Trigger.CAMPAIGN, r.trigger());
      assertEquals("election-2026", r.campaign());
      assertEquals(2, r.measurementCount());
      assertEquals(1, r.blockedCount());
      assertEquals("AS9198", r.probeAsn());
      assertEquals("KZ", r.probeCc());
      assertEquals(NetworkState.ONLINE, r.connectivity());
      assertEquals(T0.plusSeconds(60), r.endedAt());

      StoredMeasurement stored = store.byUid(blocked.measurementUid()).orElseThrow();
      assertEquals("blocked", stored.verdict());
      assertEquals("http-diff", stored.blocking());
      assertEquals(Boolean.FALSE, stored.accessible());
      assertEquals(List.of("tls.interception", "tls.known_interception_root"), stored.signals());
      assertEquals("NEWS", stored.categoryCode());
      assertEquals("kz", stored.targetList());
      assertEquals(T0.plusSeconds(1), stored.startTime());
      assertEquals("pending", stored.uploadState());
      assertEquals(blocked, MeasurementJson.parse(stored.measurementJson()), "the full record round-trips");

      StoreException dup = assertThrows(StoreException.class, () -> store.save(run, target, "kz", blocked));
      assertTrue(dup.getMessage().contains("already stored"), dup.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.save(999, target, "kz",
          TestMeasurements.accessible("https://x.kz/", T0)));
      assertEquals(2, store.statusCounts().measurements(), "a failed save leaves nothing behind");

      StoreCounts counts = store.statusCounts();
      assertEquals(1, counts.runs());
      assertEquals(1, counts.blocked());
      assertEquals(new QueueCounts(2, 0, 0), counts.upload());
      assertEquals(T0.plusSeconds(2), counts.lastMeasurementAt());
    }
  }

  @Test
  void findsByTimeUrlVerdictAndRun() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run1 = store.beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
      long run2 = store.beginRun(Trigger.SCHEDULED, null, "0.1.0", null, T0);
      for (int day = 0; day < 10; day++) {
        Instant t = T0.plus(Duration.ofDays(day));
        store.save(day < 5 ? run1 : run2, "https://a.kz/", "kz", "NEWS", TestMeasurements.blocked("https://a.kz/", t));
        store.save(day < 5 ? run1 : run2, "https://b.kz/x", "kz", "HUMR",
            TestMeasurements.accessible("https://b.kz/x", t));
      }
      assertEquals(20, store.find(MeasurementFilter.all()).size());
      List<StoredMeasurement> newest = store.find(MeasurementFilter.all().withLimit(3));
      assertEquals(T0.plus(Duration.ofDays(9)), newest.get(0).startTime(), "newest first");
      assertEquals(3, newest.size());
      assertEquals(6, store.find(new MeasurementFilter(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(5)),
          null, null, null, null)).size());
      assertEquals(10, store.find(new MeasurementFilter(null, null, "b.kz", null, null, null)).size());
      assertEquals(10, store.find(new MeasurementFilter(null, null, "https://a.*", null, null, null)).size());
      assertEquals(10, store.find(new MeasurementFilter(null, null, null, Verdict.BLOCKED, null, null)).size());
      assertEquals(10, store.find(new MeasurementFilter(null, null, null, null, run2, null)).size());

      assertEquals(10, store.timeline("https://a.kz/", T0, T0.plus(Duration.ofDays(30))).size());
      List<ResultsStore.CategoryDay> perDay = store.blockedPerCategoryPerDay(T0, T0.plus(Duration.ofDays(30)));
      assertEquals(10, perDay.size());
      assertEquals(new ResultsStore.CategoryDay("2026-11-01", "NEWS", 1), perDay.get(0));
    }
  }

  @Test
  void connectivityEventsOpenCloseAndOverlap() {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.openConnectivityEvent(NetworkState.ONLINE, T0, null);
      store.openConnectivityEvent(NetworkState.DOMESTIC_ONLY, T0.plusSeconds(600),
          "{\"anchors_reached\":[\"kaznet\"]}");
      assertEquals(NetworkState.DOMESTIC_ONLY, store.currentConnectivity().orElseThrow().state());
      assertTrue(store.closeConnectivityEvent(T0.plusSeconds(1200)));
      assertFalse(store.closeConnectivityEvent(T0.plusSeconds(1300)), "nothing open any more");
      assertTrue(store.currentConnectivity().isEmpty());

      List<ConnectivityRecord> all = store.connectivityEvents(null, null);
      assertEquals(2, all.size());
      assertEquals(T0.plusSeconds(600), all.get(0).endedAt(), "opening a new state closed the previous one");
      assertEquals("{\"anchors_reached\":[\"kaznet\"]}", all.get(1).detailJson());
      assertEquals(1, store.connectivityEvents(T0.plusSeconds(700), null).size());
      assertThrows(IllegalArgumentException.class,
          () -> store.openConnectivityEvent(NetworkState.OFFLINE, T0, "not json"));
    }
  }

  @Test
  void retentionDeletesOnlyWhatIsOlderAndKeepsUnsentMeasurementsWhenAsked() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long oldRun = store.beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, T0);
      Measurement oldSent = TestMeasurements.accessible("https://a.kz/", T0.plusSeconds(1));
      Measurement oldUnsent = TestMeasurements.accessible("https://b.kz/", T0.plusSeconds(2));
      store.save(oldRun, "https://a.kz/", "kz", "NEWS", oldSent);
      store.save(oldRun, "https://b.kz/", "kz", "NEWS", oldUnsent);
      store.finishRun(oldRun, T0.plusSeconds(60));
      store.markUploaded(List.of(oldSent.measurementUid()), T0.plusSeconds(70));
      store.openConnectivityEvent(NetworkState.OFFLINE, T0, null);
      store.openConnectivityEvent(NetworkState.ONLINE, T0.plusSeconds(30), null);
      Instant later = T0.plus(Duration.ofDays(40));
      long newRun = store.beginRun(Trigger.SCHEDULED, null, "0.1.0", NetworkState.ONLINE, later);
      Measurement recent = TestMeasurements.blocked("https://c.kz/", later.plusSeconds(1));
      store.save(newRun, "https://c.kz/", "kz", "NEWS", recent);
      store.finishRun(newRun, later.plusSeconds(60));
      Instant cutoff = T0.plus(Duration.ofDays(30));

      // Upload on: the unsent old measurement stays, and so does its run.
      assertEquals(new ResultsStore.Pruned(1, 0, 1), store.deleteOlderThan(cutoff, true));
      assertTrue(store.byUid(oldSent.measurementUid()).isEmpty());
      assertTrue(store.byUid(oldUnsent.measurementUid()).isPresent());
      assertTrue(store.run(oldRun).isPresent());
      assertEquals(1, store.connectivityEvents(null, null).size(), "the open event is never deleted");

      // Upload off: it goes too, with its run; the recent run is untouched.
      assertEquals(new ResultsStore.Pruned(1, 1, 0), store.deleteOlderThan(cutoff, false));
      assertTrue(store.run(oldRun).isEmpty());
      assertTrue(store.byUid(recent.measurementUid()).isPresent());
      assertEquals(1, store.statusCounts().measurements());
      assertEquals(new ResultsStore.Pruned(0, 0, 0), store.deleteOlderThan(cutoff, false), "nothing left to do");
    }
  }

  @Test
  void settingsPersist() {
    try (ResultsStore store = ResultsStore.open(db())) {
      assertTrue(store.setting("probe_id").isEmpty());
      store.putSetting("probe_id", "a");
      store.putSetting("probe_id", "b");
    }
    try (ResultsStore store = ResultsStore.open(db())) {
      assertEquals("b", store.setting("probe_id").orElseThrow());
    }
  }

  // ------------------------------------------------------------ UploadQueue

  @Test
  void uploadQueueFollowsItsContract() {
    try (ResultsStore store = ResultsStore.open(db())) {
      long run = store.beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
      Measurement a = TestMeasurements.accessible("https://a.kz/", T0);
      Measurement b = TestMeasurements.accessible("https://b.kz/", T0.plusSeconds(1));
      Measurement c = TestMeasurements.accessible("https://c.kz/", T0.plusSeconds(2));
      for (Measurement m : List.of(a, b, c)) {
        store.save(run, m.input(), null, null, m);
      }
      List<QueuedMeasurement> due = store.due(2, T0);
      assertEquals(List.of(a.measurementUid(), b.measurementUid()), due.stream().map(QueuedMeasurement::uid).toList(),
          "oldest first, at most max");
      assertEquals(MeasurementJson.toLine(a), due.get(0).measurementJson());
      assertEquals(0, due.get(0).attempts());

      store.markUploaded(List.of(a.measurementUid()), T0.plusSeconds(5));
      store.markRetry(List.of(b.measurementUid()), "collector: 503", T0.plusMillis(60_500));
      store.markRejected(c.measurementUid(), "collector: 400 bad signature", T0.plusSeconds(5));
      assertEquals(new QueueCounts(1, 1, 1), store.counts());
      assertTrue(store.due(10, T0.plusSeconds(60)).isEmpty(), "a retry is never due early");
      QueuedMeasurement retried = store.due(10, T0.plusSeconds(61)).get(0);
      assertEquals(b.measurementUid(), retried.uid());
      assertEquals(1, retried.attempts());
      assertEquals("collector: 503", store.byUid(b.measurementUid()).orElseThrow().uploadError());
      assertEquals("collector: 400 bad signature", store.byUid(c.measurementUid()).orElseThrow().uploadError());

      assertEquals(1, store.requeueRejected());
      assertEquals(new QueueCounts(2, 1, 0), store.counts());
      assertEquals(2, store.due(10, T0.plusSeconds(61)).size());
      assertThrows(IllegalArgumentException.class, () -> store.markUploaded(List.of("no-such-uid"), T0));
      assertNull(store.byUid(a.measurementUid()).orElseThrow().uploadError());
      assertEquals("uploaded", store.byUid(a.measurementUid()).orElseThrow().uploadState());
    }
  }

  // ------------------------------------------------------------ read-only

  @Test
  void readOnlyStoreRefusesWrites() {
    try (ResultsStore store = ResultsStore.open(db())) {
      store.beginRun(Trigger.MANUAL, null, "0.1.0", null, T0);
    }
    try (ResultsStore ro = ResultsStore.openReadOnly(db())) {
      assertEquals("1", ro.query("SELECT count(*) AS n FROM runs", 10).rows().get(0).get(0));
      for (String sql : List.of("DELETE FROM runs", "UPDATE runs SET campaign = 'x'", "DROP TABLE runs",
          "INSERT INTO settings VALUES ('a', 'b')")) {
        StoreException e = assertThrows(StoreException.class, () -> ro.query(sql, 10), sql);
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      }
      assertThrows(IllegalStateException.class, () -> ro.beginRun(Trigger.MANUAL, null, "0.1.0", null));
      StoreException bad = assertThrows(StoreException.class, () -> ro.query("SELEC nonsense", 10));
      assertTrue(bad.getMessage().startsWith("SQL error"), bad.getMessage());
    }
    StoreException missing = assertThrows(StoreException.class,
        () -> ResultsStore.openReadOnly(dir.resolve("none.db")));
    assertTrue(missing.getMessage().contains("no database at"), missing.getMessage());
    assertFalse(Files.exists(dir.resolve("none.db")), "a read never creates a database");
  }

  @Test
  void defaultPathsFollowEachOsConvention() {
    Path home = Path.of("/home/v");
    assertEquals(Path.of("/xdg/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Linux", Map.of("XDG_DATA_HOME", "/xdg"), home));
    assertEquals(Path.of("/home/v/.local/share/kuzet/kuzet.db"), StorePaths.defaultDatabase("Linux", Map.of(), home));
    assertEquals(Path.of("/home/v/.local/share/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Linux", Map.of("XDG_DATA_HOME", "relative"), home), "relative XDG is ignored");
    assertEquals(Path.of("/home/v/Library/Application Support/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Mac OS X", Map.of(), home));
    assertEquals(Path.of("/home/v/AppData/Local/kuzet/kuzet.db"),
        StorePaths.defaultDatabase("Windows 11", Map.of(), home));
  }
}
