package org.kuzet.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "http://example.com/              | http://example.com/",
      "HTTP://Example.COM               | http://example.com/",
      "http://example.com:80/           | http://example.com/",
      "https://example.com:443/a        | https://example.com/a",
      "http://example.com:443/          | http://example.com:443/",
      "https://example.com:80/          | https://example.com:80/",
      "http://example.com:8080          | http://example.com:8080/",
      "http://example.com:/             | http://example.com/",
      "'  https://example.com/x  '      | https://example.com/x",
      "https://example.com/news/        | https://example.com/news/",
      "https://example.com/news         | https://example.com/news",
      "https://example.com/Path/Case    | https://example.com/Path/Case",
      "https://example.com/#top         | https://example.com/",
      "https://example.com/a?b=1&c=2#x  | https://example.com/a?b=1&c=2",
      "https://example.com?q=1          | https://example.com/?q=1",
      "https://example.com/?            | https://example.com/",
      "https://example.com/a%2Fb%20c    | https://example.com/a%2Fb%20c",
      "http://example.com./             | http://example.com/",
      "http://under_score.example.kz/   | http://under_score.example.kz/",
      "http://[2001:DB8::1]:8080/x      | http://[2001:db8::1]:8080/x",
      "http://[::1]:80                  | http://[::1]/",
      "http://192.0.2.1:443/            | http://192.0.2.1:443/",
  })
  void normalises(String raw, String expected) {
    assertEquals(expected, UrlNormalizer.normalize(raw));
  }

  @Test
  void convertsInternationalisedHostsToAscii() {
    assertEquals("http://xn--80aau21bd.kz/", UrlNormalizer.normalize("http://қазақ.kz"));
    // IDNA case-folds non-ASCII labels, so the upper-case spelling is the same host.
    assertEquals("http://xn--80aau21bd.kz/", UrlNormalizer.normalize("http://ҚАЗАҚ.KZ/"));
    assertEquals("https://xn--80aau21bd.kz/", UrlNormalizer.normalize("https://қазақ.kz:443/"));
  }

  /**
   * Names where IDNA 2003 ({@code java.net.IDN}) and UTS #46 (browsers, OkHttp, the engine) disagree: the target's
   * spelling is the engine's, so a stored input, its DNS query and its SNI all name one host.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://faß.de/      | https://xn--fa-hia.de/",
      "https://FAß.DE./     | https://xn--fa-hia.de/",
      "http://βόλος.gr      | http://xn--nxasmm1c.gr/",
      "http://ΒΌΛΟΣ.GR      | http://xn--nxasmq6b.gr/",
      "https://Example.COM. | https://example.com/",
  })
  void hostsAreSpelledAsTheEngineSpellsThem(String raw, String expected) {
    String normalised = UrlNormalizer.normalize(raw);
    assertEquals(expected, normalised);
    assertEquals(HttpUrl.get(raw.strip()).host().replaceFirst("\\.$", ""), HttpUrl.get(normalised).host(),
        "the engine (HttpUrl) maps the raw host to the same name");
  }

  @Test
  void percentEncodesNonAsciiPathAndQueryAsUtf8() {
    assertEquals("https://example.kz/%D0%BF%D1%83%D1%82%D1%8C?q=%D2%9B",
        UrlNormalizer.normalize("https://example.kz/путь?q=қ"));
  }

  @Test
  void spellingsOfOnePageCollapse() {
    List<String> spellings = List.of(
        "http://Example.com",
        "http://example.com:80/",
        "HTTP://EXAMPLE.COM/",
        "http://example.com/#fragment",
        "http://example.com.",
        " http://example.com ");
    Set<String> normalised = spellings.stream().map(UrlNormalizer::normalize).collect(Collectors.toSet());
    assertEquals(Set.of("http://example.com/"), normalised);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://қазақ.kz", "HTTPS://Example.com:443", "http://example.com/a/?q=1#f", "http://[::1]:8080", "https://x.kz/ы"})
  void isIdempotent(String raw) {
    String once = UrlNormalizer.normalize(raw);
    assertEquals(once, UrlNormalizer.normalize(once));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://files.example.com/", "mailto:someone@example.com", "file:///etc/passwd",
      "ws://example.com/", "javascript:alert(1)"})
  void rejectsOtherSchemes(String raw) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UrlNormalizer.normalize(raw));
    assertTrue(e.getMessage().startsWith("non-http(s) scheme"), e.getMessage());
    assertTrue(e.getMessage().contains(raw), "message quotes the input: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "example.com", "//example.com/", "http://", "http:///path", "http:opaque",
      "http://exa mple.com/", "http://:80/", "http://user:pw@example.com/", "http://example.com:abc/",
      "http://example.com:0/", "http://example.com:65536/", "http://[::1/", "http://[::1]x/", "http://exa!mple.com/",
      "http://a..b.com/", "http://%65xample.com/"})
  void rejectsMalformed(String raw) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UrlNormalizer.normalize(raw));
    assertTrue(e.getMessage().startsWith("malformed URL"), e.getMessage());
  }

  @Test
  void nullIsMalformed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UrlNormalizer.normalize(null));
    assertTrue(e.getMessage().startsWith("malformed URL"), e.getMessage());
  }

  @Test
  void missingSchemeSaysWhatToWrite() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> UrlNormalizer.normalize("vlast.kz"));
    assertEquals("malformed URL 'vlast.kz': no scheme; write it as http://vlast.kz or https://vlast.kz", e.getMessage());
  }
}
