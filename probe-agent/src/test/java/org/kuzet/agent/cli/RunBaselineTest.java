package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.store.MeasurementFilter;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoredMeasurement;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.targets.BundledLists;
import org.kuzet.targets.Target;

/**
 * {@code kuzet run --once} and its throttling baseline: the bundled {@code control} list's sites measured first and
 * stored like the rest, unless switched off. On loopback: every name is NXDOMAIN at the fake resolver, so nothing
 * leaves the machine and each measurement is quick.
 */
class RunBaselineTest {
  private static final String TARGET = "https://gone.kz/";

  @TempDir Path dir;

  private final FakeDnsServer dns = new FakeDnsServer();

  @AfterEach
  void close() {
    dns.close();
  }

  private CliRun run(Path db, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--once", "--db", db.toString(),
        "--system-resolver", dns.address().getAddress().getHostAddress() + ":" + dns.port(),
        "--treat-as-public", "127.0.0.0/8", "--timeout-dns", "5s", "--skip-connectivity-check",
        "--no-network-lookup"));
    args.addAll(List.of(extra));
    args.add(TARGET);
    return CliRun.of(args.toArray(String[]::new));
  }

  private static List<StoredMeasurement> stored(Path db) {
    try (ResultsStore store = ResultsStore.openReadOnly(db)) {
      return store.measurements().find(MeasurementFilter.all());
    }
  }

  private static Set<String> controlList() {
    return BundledLists.load("control").stream().map(Target::url).collect(Collectors.toSet());
  }

  @Test
  void withTheBaselineOnTheControlListIsMeasuredFirstAndStoredLikeTheRest() {
    Path db = dir.resolve("on.db");
    CliRun r = run(db, "--baseline");
    assertEquals(0, r.exit(), r.err());
    List<StoredMeasurement> ms = stored(db);
    Set<String> expected = new java.util.HashSet<>(controlList());
    expected.add(TARGET);
    assertEquals(expected, ms.stream().map(StoredMeasurement::input).collect(Collectors.toSet()));
    for (StoredMeasurement m : ms) {
      assertEquals(m.input().equals(TARGET) ? "MISC" : "CTRL", m.categoryCode(), m.input());
    }
    List<String> progress = r.out().lines().filter(l -> l.startsWith("[")).toList();
    assertEquals(expected.size(), progress.size(), r.out());
    assertTrue(progress.get(progress.size() - 1).contains(TARGET), "the baseline before the targets: " + r.out());
  }

  @Test
  void theConfigsBaselineKeyTurnsItOnAndNoBaselineOff() throws Exception {
    Path conf = dir.resolve("kuzet.conf");
    Files.writeString(conf, "[targets]\nbaseline = on\n");
    Path on = dir.resolve("config.db");
    assertEquals(0, run(on, "--config", conf.toString()).exit());
    assertEquals(controlList().size() + 1, stored(on).size(), "[targets] baseline = on");
    Path off = dir.resolve("off.db");
    CliRun r = run(off, "--config", conf.toString(), "--no-baseline");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(TARGET), stored(off).stream().map(StoredMeasurement::input).toList(),
        "--no-baseline measures the targets only");
  }

  @Test
  void aRunThatListsTheControlListMeasuresEachSiteOnce() {
    Path db = dir.resolve("listed.db");
    CliRun r = run(db, "--baseline", "--list", "control");
    assertEquals(0, r.exit(), r.err());
    assertEquals(controlList().size() + 1, stored(db).size(), r.out());
  }
}
