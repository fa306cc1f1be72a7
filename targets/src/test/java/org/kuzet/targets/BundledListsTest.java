package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kuzet.core.testing.SharedData;

class BundledListsTest {

  private static Map<String, Target> kzByUrl() {
    return BundledLists.load("kz").stream().collect(Collectors.toMap(Target::url, Function.identity()));
  }

  /** Domains of a kz-lists file, without comments. */
  private static List<String> domains(String file) throws Exception {
    return Files.readAllLines(SharedData.kzLists(file), StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  @Test
  void namesAreTheShippedLists() {
    assertEquals(List.of("control", "kz"), BundledLists.names());
  }

  @Test
  void unknownNameSaysWhichExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BundledLists.load("ru"));
    assertEquals("unknown bundled list 'ru': known lists are control, kz", e.getMessage());
  }

  @Test
  void kzHasTheSitesTheReadmeDemonstrates() {
    Map<String, Target> kz = kzByUrl();
    for (String url : List.of("https://holanews.kz/", "https://kuresker.org/", "https://soundcloud.com/",
        "https://www.linkedin.com/", "https://pana-defenders.info/", "https://vlast.kz/")) {
      assertTrue(kz.containsKey(url), url + " missing from the kz list");
    }
    assertEquals("NEWS", kz.get("https://vlast.kz/").categoryCode());
    assertEquals("NEWS", kz.get("https://holanews.kz/").categoryCode());
    assertEquals("GRP", kz.get("https://www.linkedin.com/").categoryCode());
  }

  @Test
  void kzHasEveryDomainFoundBlockedIn2023To2024() throws Exception {
    assertHasAll(domains("ooni-2024-blocked-news-humr.txt"), Set.of("NEWS", "HUMR"));
    assertHasAll(domains("ooni-2024-blocked-anon.txt"), Set.of("ANON"));
    assertEquals("HUMR", kzByUrl().get("https://www.change.org/").categoryCode());
    assertEquals("NEWS", kzByUrl().get("https://meduza.io/").categoryCode());
  }

  @Test
  void kzHasEveryDomainInterceptedIn2019And2021To2024() throws Exception {
    assertHasAll(domains("censoredplanet-2019-intercepted-domains.txt"), null);
    assertHasAll(domains("ooni-2024-mitm-domains.txt"), null);
    assertEquals("FILE", kzByUrl().get("https://rutracker.org/").categoryCode());
  }

  @Test
  void kzHasTheSocialNetworksAndMessengersCutDuringProtests() {
    Map<String, Target> kz = kzByUrl();
    for (String url : List.of("https://www.facebook.com/", "https://www.instagram.com/", "https://www.whatsapp.com/",
        "https://web.whatsapp.com/", "https://telegram.org/", "https://web.telegram.org/", "https://t.me/",
        "https://vk.com/", "https://www.youtube.com/", "https://twitter.com/", "https://x.com/", "https://ok.ru/",
        "https://www.viber.com/")) {
      assertTrue(kz.containsKey(url), url + " missing from the kz list");
      assertTrue(Set.of("GRP", "COMT", "MMED").contains(kz.get(url).categoryCode()), url + ": " + kz.get(url));
    }
  }

  @Test
  void kzEntriesAreWellFormed() {
    List<Target> kz = BundledLists.load("kz");
    assertTrue(kz.size() >= 140, "kz has " + kz.size() + " entries");
    assertEquals(kz.size(), kz.stream().map(Target::url).distinct().count(), "one row per URL");
    for (Target t : kz) {
      assertEquals("KZ", t.country(), t.url());
      assertTrue(t.url().startsWith("https://"), t.url());
      assertFalse(t.source().isBlank(), t.url());
      assertTrue(t.dateAdded() != null, t.url());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"kz", "control"})
  void everyBundledEntryHasAKnownCategoryAndASource(String name) {
    List<Target> targets = BundledLists.load(name);
    assertFalse(targets.isEmpty());
    for (Target t : targets) {
      assertTrue(Categories.isKnown(t.categoryCode()), name + ": " + t);
      assertFalse(t.source().isBlank(), name + ": " + t);
      assertEquals(t.url(), UrlNormalizer.normalize(t.url()), "bundled URLs are written in canonical form");
    }
  }

  @Test
  void controlListIsAboutTenReachableSites() {
    List<Target> control = BundledLists.load("control");
    assertTrue(control.size() >= 8 && control.size() <= 15, "control has " + control.size());
    assertTrue(control.stream().allMatch(t -> t.categoryCode().equals("CTRL")));
    Set<String> urls = control.stream().map(Target::url).collect(Collectors.toCollection(TreeSet::new));
    assertTrue(urls.contains("https://example.com/"));
    assertTrue(urls.contains("https://www.wikipedia.org/"));
    assertTrue(urls.stream().anyMatch(u -> u.contains("gov.kz")));
    // None of the control sites may be one the kz list says is blocked.
    Set<String> kz = kzByUrl().keySet();
    assertTrue(urls.stream().noneMatch(kz::contains), "control overlaps kz");
  }

  @Test
  void bundledListsAreInKuzetFormatWithTheirHeader() throws Exception {
    for (String name : BundledLists.names()) {
      try (var in = BundledLists.class.getResourceAsStream("lists/" + name + ".csv")) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String firstEntryLine = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
        assertEquals(ListFormat.KUZET.header(), firstEntryLine, name);
      }
    }
  }

  private static void assertHasAll(List<String> domains, Set<String> categories) {
    Map<String, Target> kz = kzByUrl();
    assertFalse(domains.isEmpty());
    for (String d : domains) {
      Target t = kz.get("https://" + d + "/");
      assertTrue(t != null, d + " missing from the kz list");
      if (categories != null) {
        assertTrue(categories.contains(t.categoryCode()), d + " has category " + t.categoryCode());
      }
    }
  }
}
