package org.kuzet.backend.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kuzet.backend.scenarios.WebConnectivityScenariosTest.Scenario;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.schema.TestKeys;

/**
 * Every row of the scenario table has a checked-in {@code measurement.json → analysis.json} pair under
 * {@code src/test/resources/golden/<row>/}: the stored measurement is analysed again and must give exactly the
 * stored analysis (and still satisfy the row's expectation). A changed verdict, signal or detail therefore shows
 * up as a diff of analysis.json in review. No network: the measurements were recorded once on loopback.
 *
 * <p>{@code -Dkuzet.updateGolden=true} rewrites analysis.json from the stored measurements (after a deliberate
 * change of the analysis); {@link WebConnectivityScenariosTest} with the same flag records the measurements anew.
 */
class GoldenAnalysisTest {
  private static final String HOW = "record it with: mvn -B -o -pl probe-backend -am test "
      + "-Dtest='WebConnectivityScenariosTest' -Dsurefire.failIfNoSpecifiedTests=false -Dkuzet.updateGolden=true";

  static Stream<Scenario> scenarios() {
    return WebConnectivityScenariosTest.scenarios();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void storedMeasurementGivesTheStoredAnalysis(Scenario s) {
    Path dir = Golden.dir(s.name());
    Path measurement = dir.resolve("measurement.json");
    assertTrue(Files.isRegularFile(measurement), "no golden measurement for \"" + s.name() + "\" at " + measurement
        + "; " + HOW);
    TestKeys analysed = Analysis.analyze(Golden.keys(Golden.read(measurement)));
    String actual = Golden.pretty(Golden.analysis(analysed));
    Path analysis = dir.resolve("analysis.json");
    if (Golden.updating()) {
      Golden.write(analysis, actual);
    }
    assertTrue(Files.isRegularFile(analysis), "no golden analysis at " + analysis + "; run with -Dkuzet.updateGolden=true");
    JsonNode stored = Golden.read(analysis);
    assertEquals(Golden.pretty(stored), actual, "analysis of " + measurement + " differs from " + analysis
        + " (if the change is intended, rerun with -Dkuzet.updateGolden=true and review the diff)");
    s.expect().check(s.name() + " (golden " + dir + ")", analysed);
  }

  @Test
  void everyGoldenDirectoryBelongsToARow() throws IOException {
    Set<String> rows = scenarios().map(s -> Golden.slug(s.name())).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(scenarios().count(), rows.size(), "two rows share a golden directory name");
    Set<String> dirs;
    try (Stream<Path> list = Files.list(Golden.DIR)) {
      dirs = list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
    dirs.removeAll(rows);
    assertEquals(List.of(), List.copyOf(dirs), "golden directories without a scenario row (renamed? delete them)");
  }
}
