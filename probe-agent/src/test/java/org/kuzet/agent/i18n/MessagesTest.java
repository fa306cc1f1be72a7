package org.kuzet.agent.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Every message and the consent explanation exist, complete, in every language kuzet speaks. */
class MessagesTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

  /**
   * What must survive translation untouched in each section of the consent text: config keys, flags, commands,
   * names of services and protocols. A section that lost one of them no longer tells the volunteer the same thing.
   */
  private static final Pattern UNTRANSLATED = Pattern.compile(
      "--[a-z-]+|\\[[a-z]+\\]|'kuzet [^']+'|whoami\\.v4\\.powerdns\\.org|\\b[A-Z]{2,}\\b|Cloudflare|Google|kuzet");

  @ParameterizedTest
  @EnumSource(Language.class)
  void everyKeyExistsInEveryLanguageWithTheSamePlaceholders(Language language) {
    Messages english = Messages.english();
    Messages other = Messages.of(language);
    assertEquals(new TreeSet<>(english.keys()), new TreeSet<>(other.keys()), language + ": keys differ from English");
    for (String key : english.keys()) {
      String text = other.get(key);
      assertFalse(text.isBlank(), language + " " + key + " is empty");
      assertEquals(placeholders(english.get(key)), placeholders(text), language + " " + key + ": placeholders");
      if (language != Language.EN && !key.startsWith("status.") && !key.startsWith("progress.")
          && !text.startsWith("kuzet:") && !english.get(key).matches("(?i)id|uid|url")) {
        assertNotEquals(english.get(key), text, language + " " + key + " is not translated");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Language.class)
  void theConsentExplanationHasTheSameSectionsAndKeepsWhatEachSectionNames(Language language) {
    List<String> english = sections(Messages.english().consentExplanation());
    List<String> other = sections(Messages.of(language).consentExplanation());
    assertEquals(english.size(), other.size(), language + ": number of paragraphs and points\n" + other);
    assertEquals(9, english.size(), "two paragraphs, the heading of the points, six points");
    for (int i = 0; i < english.size(); i++) {
      for (String token : tokens(english.get(i))) {
        assertTrue(other.get(i).contains(token), language + ": section " + (i + 1) + " lost '" + token + "':\n"
            + other.get(i));
      }
    }
    if (language != Language.EN) {
      assertNotEquals(Messages.english().consentExplanation(), Messages.of(language).consentExplanation());
    }
  }

  @Test
  void theLanguageComesFromKuzetLangThenThePosixLocaleVariablesInOrder() {
    assertEquals(Language.EN, Language.fromEnvironment(Map.of()));
    assertEquals(Language.RU, Language.fromEnvironment(Map.of("LANG", "ru_RU.UTF-8")));
    assertEquals(Language.KK, Language.fromEnvironment(Map.of("LANG", "kk_KZ")));
    assertEquals(Language.KK, Language.fromEnvironment(Map.of("LANG", "ru_RU.UTF-8", "LC_MESSAGES", "kk_KZ.UTF-8")));
    assertEquals(Language.EN, Language.fromEnvironment(Map.of("LANG", "ru_RU.UTF-8", "LC_ALL", "C")),
        "LC_ALL wins, and C is English");
    assertEquals(Language.EN, Language.fromEnvironment(Map.of("LANG", "de_DE.UTF-8")), "unknown: English");
    assertEquals(Language.RU, Language.fromEnvironment(Map.of("LANG", "kk_KZ", "KUZET_LANG", "ru")));
    assertEquals(Language.KK, Language.fromEnvironment(Map.of("LC_ALL", "kk_KZ@cyrillic")));
  }

  /**
   * A key the code names but no bundle has would fail only when that message is printed (a rare error, at a
   * volunteer's): every key written out in the main code exists.
   */
  @Test
  void everyKeyTheCodeNamesExists() throws Exception {
    // Text.of("key", …), messages.get("key", …), msg.get, m.get, context.messages().get; not a prefix ("show." + x)
    Pattern named = Pattern.compile(
        "(?:Text\\.of|\\bm(?:sg|essages)?(?:\\(\\))?\\.get)\\(\\s*\"([a-z]+\\.[A-Za-z.]*[A-Za-z])\"");
    Set<String> keys = Messages.english().keys();
    List<String> missing = new java.util.ArrayList<>();
    int found = 0;
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java"))) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = named.matcher(java.nio.file.Files.readString(f));
        while (m.find()) {
          found++;
          if (!keys.contains(m.group(1))) {
            missing.add(f.getFileName() + ": " + m.group(1));
          }
        }
      }
    }
    assertTrue(found > 100, "the pattern finds the keys the code names: " + found);
    assertEquals(List.of(), missing);
  }

  @Test
  void placeholdersAreReplacedLiterallyAndQuotesNeedNoEscaping() {
    String text = Messages.english().get("consent.status.none", "/tmp/a b.db", "kuzet consent --db '/tmp/a b.db'");
    assertEquals("no consent recorded for /tmp/a b.db (run 'kuzet consent --db '/tmp/a b.db'')", text);
  }

  private static List<String> sections(String text) {
    return Arrays.stream(text.strip().split("\\n\\s*\\n|\\n(?= \\* )")).map(String::strip).toList();
  }

  private static Set<String> tokens(String section) {
    Set<String> out = new TreeSet<>();
    Matcher m = UNTRANSLATED.matcher(section);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static List<String> placeholders(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out.stream().sorted().distinct().toList();
  }
}
