package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.SharedData;

class CategoriesTest {
  private static final Set<String> EXPECTED_CODES = Set.of(
      "ALDR", "REL", "PORN", "PROV", "POLR", "HUMR", "ENV", "MILX", "HATE", "NEWS", "XED", "PUBH", "GMB",
      "ANON", "DATE", "GRP", "LGBT", "FILE", "HACK", "COMT", "MMED", "HOST", "SRCH", "GAME", "CULTR", "ECON",
      "GOVT", "COMM", "CTRL", "IGO", "MISC");

  @Test
  void knowsExactlyTheCitizenLabCodes() {
    Set<String> codes = Categories.all().stream().map(Category::code).collect(Collectors.toSet());
    assertEquals(EXPECTED_CODES, codes);
    assertEquals(31, Categories.all().size());
  }

  @Test
  void namesMatchTheCitizenLabLegend() throws Exception {
    // The legend is the fact our table restates; compare code by code.
    List<String> lines = Files.readAllLines(
        SharedData.citizenLab("00-LEGEND-new_category_codes.csv"), StandardCharsets.UTF_8);
    Map<String, String> legend = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> f = CsvLine.parse(line);
      legend.put(f.get(1).strip(), f.get(0).strip());
    }
    assertEquals(legend.keySet(), EXPECTED_CODES);
    for (Map.Entry<String, String> e : legend.entrySet()) {
      assertEquals(e.getValue(), Categories.describe(e.getKey()), "name of " + e.getKey());
    }
  }

  @Test
  void describesAndLooksUp() {
    assertEquals("News Media", Categories.describe("NEWS"));
    assertEquals("Control content", Categories.describe("CTRL"));
    assertEquals("ANON", Categories.get("ANON").code());
    assertFalse(Categories.get("HUMR").scope().isBlank());
  }

  @Test
  void codesAreExactAndCaseSensitive() {
    assertTrue(Categories.isKnown("NEWS"));
    assertFalse(Categories.isKnown("news"));
    assertFalse(Categories.isKnown("FEXP")); // an old code, replaced by NEWS
    assertFalse(Categories.isKnown(""));
    assertFalse(Categories.isKnown(null));
  }

  @Test
  void unknownCodeIsAnErrorThatListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Categories.describe("NOPE"));
    assertTrue(e.getMessage().startsWith("unknown category code 'NOPE': use one of ALDR, ANON, "), e.getMessage());
  }

  @Test
  void allIsImmutable() {
    assertThrows(UnsupportedOperationException.class, () -> Categories.all().clear());
  }
}
