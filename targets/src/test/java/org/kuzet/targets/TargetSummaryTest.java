package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.SharedData;

class TargetSummaryTest {

  private static Target t(String url, String category) {
    return new Target(url, category, "KZ", "src", null, "");
  }

  @Test
  void countsPerCategorySortedByCode() {
    TargetSummary s = TargetSummary.of(List.of(
        t("https://a.kz/", "NEWS"), t("https://b.kz/", "ANON"), t("https://c.kz/", "NEWS"),
        t("https://d.kz/", "GRP"), t("https://e.kz/", "NEWS")));
    assertEquals(List.of("ANON", "GRP", "NEWS"), List.copyOf(s.countsByCategory().keySet()));
    assertEquals(Map.of("ANON", 1, "GRP", 1, "NEWS", 3), s.countsByCategory());
    assertEquals(5, s.total());
  }

  @Test
  void printableLines() {
    TargetSummary s = TargetSummary.of(List.of(
        t("https://a.kz/", "NEWS"), t("https://b.kz/", "CULTR"), t("https://c.kz/", "NEWS")));
    assertEquals(List.of(
        "CULTR      1  Culture",
        "NEWS       2  News Media",
        "total      3"), s.lines());
  }

  @Test
  void emptySummary() {
    TargetSummary s = TargetSummary.of(List.of());
    assertEquals(0, s.total());
    assertEquals(List.of("total      0"), s.lines());
  }

  @Test
  void summaryOfTheRealCitizenLabList() throws Exception {
    List<Target> kz = TargetListLoader.load(SharedData.citizenLab("kz.csv"), LoadOptions.defaults()).targets();
    TargetSummary s = TargetSummary.of(kz);
    assertEquals(kz.size(), s.total());
    assertEquals(166, s.countsByCategory().get("NEWS"));
    assertEquals(90, s.countsByCategory().get("ANON"));
    assertEquals(31, s.countsByCategory().size());
  }

  @Test
  void rejectsInconsistentCounts() {
    assertThrows(IllegalArgumentException.class, () -> new TargetSummary(new TreeMap<>(Map.of("NEWS", 2)), 3));
    assertThrows(IllegalArgumentException.class, () -> new TargetSummary(new TreeMap<>(Map.of("NEWS", 0)), 0));
  }

  @Test
  void countsAreImmutable() {
    TargetSummary s = TargetSummary.of(List.of(t("https://a.kz/", "NEWS")));
    assertThrows(UnsupportedOperationException.class, () -> s.countsByCategory().put("GRP", 1));
  }
}
