package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

  @Test
  void normalisesItsUrl() {
    Target t = new Target("HTTPS://Vlast.KZ:443", "NEWS", "KZ", "test", LocalDate.of(2024, 6, 1), "n");
    assertEquals("https://vlast.kz/", t.url());
    assertEquals(new Target("https://vlast.kz/", "NEWS", "KZ", "test", LocalDate.of(2024, 6, 1), "n"), t);
  }

  @Test
  void nullNotesBecomeEmptyAndDateMayBeNull() {
    Target t = new Target("https://vlast.kz/", "NEWS", "KZ", "test", null, null);
    assertEquals("", t.notes());
    assertNull(t.dateAdded());
  }

  @ParameterizedTest
  @ValueSource(strings = {"KZ", "RU", "XX", "ZZ"})
  void acceptsIsoCountriesGlobalAndUnknown(String cc) {
    assertEquals(cc, new Target("https://a.kz/", "NEWS", cc, "test", null, "").country());
  }

  @ParameterizedTest
  @ValueSource(strings = {"kz", "QQ", "KAZ", "", "K"})
  void rejectsBadCountries(String cc) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Target("https://a.kz/", "NEWS", cc, "test", null, ""));
    assertTrue(e.getMessage().startsWith("bad country '" + cc + "'"), e.getMessage());
  }

  @Test
  void rejectsUnknownCategory() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Target("https://a.kz/", "FEXP", "KZ", "test", null, ""));
    assertTrue(e.getMessage().startsWith("unknown category code 'FEXP'"), e.getMessage());
  }

  @Test
  void rejectsBadUrlBlankSourceAndNulls() {
    assertThrows(IllegalArgumentException.class, () -> new Target("ftp://a.kz/", "NEWS", "KZ", "t", null, ""));
    assertThrows(IllegalArgumentException.class, () -> new Target("https://a.kz/", "NEWS", "KZ", " ", null, ""));
    assertThrows(NullPointerException.class, () -> new Target(null, "NEWS", "KZ", "t", null, ""));
    assertThrows(NullPointerException.class, () -> new Target("https://a.kz/", null, "KZ", "t", null, ""));
    assertThrows(NullPointerException.class, () -> new Target("https://a.kz/", "NEWS", null, "t", null, ""));
    assertThrows(NullPointerException.class, () -> new Target("https://a.kz/", "NEWS", "KZ", null, null, ""));
  }
}
