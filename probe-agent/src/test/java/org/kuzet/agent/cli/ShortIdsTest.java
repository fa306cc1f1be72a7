package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.ShortIds;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.MeasurementIds;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;

/** {@code kuzet results RUN} and {@code kuzet show ID}: the short ids a volunteer can type, as ooniprobe's. */
class ShortIdsTest {
  private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private Path db;
  private Measurement first;
  private Measurement second;
  private Measurement imported;

  @BeforeEach
  void fill() {
    db = dir.resolve("kuzet.db");
    try (ResultsStore store = ResultsStore.open(db)) {
      long run1 = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE, T);
      long run2 = store.runs().beginRun(Trigger.MANUAL, null, "0.1.0", NetworkState.ONLINE, T.plusSeconds(600));
      // Uids as the engine mints them (a random part), so that short ids differ as they do in real databases.
      first = withRandomUid(TestMeasurements.blocked("https://kuresker.org/", T));
      store.measurements().save(run1, first.input(), "kz", "NEWS", first);
      second = withRandomUid(TestMeasurements.accessible("https://holanews.kz/", T.plusSeconds(600)));
      store.measurements().save(run2, second.input(), "kz", "NEWS", second);
      imported = withRandomUid(TestMeasurements.accessible("https://soundcloud.com/", T.plusSeconds(700)));
    }
  }

  private static Measurement withRandomUid(Measurement m) {
    String uid = MeasurementIds.measurementUid(T, "KZ");
    return MeasurementJson.parse(MeasurementJson.toLine(m).replace(m.measurementUid(), uid));
  }

  private CliRun kuzet(String... args) {
    return CliRun.onDatabase(db, args);
  }

  @Test
  void resultsShowAShortIdAndTheRunAndTakeARunNumber() {
    CliRun all = kuzet("results");
    assertEquals(0, all.exit(), all.err());
    assertTrue(all.out().lines().findFirst().orElseThrow().startsWith("ID"), all.out());
    assertTrue(all.out().contains(ShortIds.of(first.measurementUid())), all.out());
    assertTrue(all.out().contains(first.measurementUid()), "the full UID is still shown");

    for (String run : new String[] {"1", "#1"}) {
      CliRun one = kuzet("results", run);
      assertEquals(0, one.exit(), one.err());
      assertTrue(one.out().contains("kuresker.org") && !one.out().contains("holanews.kz"), one.out());
    }
    CliRun missing = kuzet("results", "7");
    assertEquals(Main.EXIT_USAGE, missing.exit());
    assertTrue(missing.err().contains("no run #7"), missing.err());
    CliRun bad = kuzet("results", "x7");
    assertEquals(Main.EXIT_USAGE, bad.exit());
    assertTrue(bad.err().contains("'x7' is not a run number"), bad.err());
    CliRun disagree = kuzet("results", "1", "--run", "2");
    assertEquals(Main.EXIT_USAGE, disagree.exit());
  }

  @Test
  void showTakesTheShortIdAUniquePrefixOrTheFullUid() {
    String shortId = ShortIds.of(first.measurementUid());
    assertEquals(ShortIds.LENGTH, shortId.length());
    for (String id : new String[] {shortId, shortId.substring(0, 5), first.measurementUid()}) {
      CliRun show = kuzet("show", id);
      assertEquals(0, show.exit(), id + ": " + show.err());
      assertTrue(show.out().contains("https://kuresker.org/"), show.out());
      assertFalse(show.out().contains("holanews"), show.out());
    }
  }

  @Test
  void anAmbiguousOrTooShortIdIsAUsageErrorNamingTheCandidates() {
    // Both UIDs start with the same date: a prefix of the full UID that both share is ambiguous.
    String shared = first.measurementUid().substring(0, 8);
    CliRun ambiguous = kuzet("show", shared);
    assertEquals(Main.EXIT_USAGE, ambiguous.exit());
    assertTrue(ambiguous.err().contains("more than one") && ambiguous.err().contains(first.measurementUid())
        && ambiguous.err().contains(second.measurementUid()), ambiguous.err());
    CliRun tooShort = kuzet("show", ShortIds.of(first.measurementUid()).substring(0, 3));
    assertEquals(Main.EXIT_USAGE, tooShort.exit());
    assertTrue(tooShort.err().contains("at least 4 characters"), tooShort.err());
    CliRun none = kuzet("show", ShortIds.of(imported.measurementUid()));
    assertEquals(Main.EXIT_USAGE, none.exit(), "a measurement that was never stored");
  }
}
