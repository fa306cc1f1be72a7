package org.kuzet.targets;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Puts a target URL into one canonical spelling, so that two lines naming the same page collapse
 * into one target and the probe sends exactly what the list means.
 *
 * <p>The rule:
 *
 * <ul>
 *   <li>surrounding whitespace is ignored; the URL must parse with {@link URI};
 *   <li>the scheme must be {@code http} or {@code https} (any case) and is lower-cased;
 *   <li>a host is required; user info ({@code user@}) is rejected, because a target list has no
 *       business carrying credentials and they would end up in uploaded measurements;
 *   <li>the host is converted to ASCII with IDNA as UTS #46 defines it (non-transitional, as browsers
 *       and the engine's OkHttp {@link HttpUrl} do, so {@code қазақ.kz} becomes its {@code xn--} form,
 *       which is what DNS and TLS SNI carry, and {@code faß.de} stays {@code xn--fa-hia.de} rather
 *       than IDNA 2003's {@code fass.de}), lower-cased, and one trailing dot is removed (SNI must not
 *       carry it); IPv6 literals keep their brackets;
 *   <li>the scheme's default port (80 for http, 443 for https) is dropped, any other port kept;
 *   <li>an empty path becomes {@code /}; any other path is kept exactly as written, including a
 *       trailing slash, because {@code /news} and {@code /news/} may be different resources and the
 *       probe should request what the list names;
 *   <li>the query is kept as written (an empty {@code ?} is dropped); the fragment is dropped,
 *       since it is never sent to the server;
 *   <li>non-ASCII characters in path and query are percent-encoded as UTF-8; existing
 *       percent-escapes are left alone.
 * </ul>
 *
 * <p>So {@code HTTP://Example.COM}, {@code http://example.com:80/} and {@code
 * http://example.com/#top} all become {@code http://example.com/}.
 */
public final class UrlNormalizer {
  // After IDNA, a host name is LDH labels; underscores are allowed because real names use them
  // (java.net.URI rejects those, which is why the authority is parsed here by hand).
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
  private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9a-f:.]+]");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private UrlNormalizer() {}

  /**
   * The canonical spelling of {@code raw}.
   *
   * @throws IllegalArgumentException whose message starts with "malformed URL" or "non-http(s)
   *     scheme" and quotes the input
   */
  public static String normalize(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("malformed URL: empty");
    }
    String s = raw.strip();
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw malformed(s, e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw malformed(s, "no scheme; write it as http://" + s + " or https://" + s);
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "non-http(s) scheme '" + scheme + "' in '" + s + "': only http:// and https:// URLs can be measured");
    }
    String authority = uri.getRawAuthority();
    if (uri.isOpaque() || authority == null || authority.isEmpty()) {
      throw malformed(s, "no host");
    }
    if (authority.indexOf('@') >= 0) {
      throw malformed(s, "user info ('user@') is not allowed in a target URL");
    }

    String host;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw malformed(s, "unclosed '[' in IPv6 host");
      }
      host = authority.substring(0, close + 1).toLowerCase(Locale.ROOT);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw malformed(s, "unexpected '" + rest + "' after IPv6 host");
        }
        port = rest.substring(1);
      }
      if (!IPV6_LITERAL.matcher(host).matches()) {
        throw malformed(s, "bad IPv6 host " + host);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      if (colon >= 0) {
        port = authority.substring(colon + 1);
        host = authority.substring(0, colon);
      } else {
        host = authority;
      }
      host = asciiHost(s, host);
    }

    int portNumber = -1;
    // An empty port ("host:") is allowed by RFC 3986 and means the default.
    if (port != null && !port.isEmpty()) {
      if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw malformed(s, "bad port '" + port + "'");
      }
      portNumber = Integer.parseInt(port);
    }
    int defaultPort = scheme.equals("http") ? 80 : 443;

    StringBuilder out = new StringBuilder(s.length() + 1);
    out.append(scheme).append("://").append(host);
    if (portNumber != -1 && portNumber != defaultPort) {
      out.append(':').append(portNumber);
    }
    String path = uri.getRawPath();
    out.append(path == null || path.isEmpty() ? "/" : percentEncodeNonAscii(path));
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      out.append('?').append(percentEncodeNonAscii(query));
    }
    return out.toString();
  }

  private static String asciiHost(String url, String host) {
    if (host.isEmpty()) {
      throw malformed(url, "no host");
    }
    if (host.indexOf('%') >= 0) {
      throw malformed(url, "percent-escapes are not allowed in the host; write the name itself");
    }
    String ascii;
    try {
      // The engine parses every target with HttpUrl: the same host mapping here gives the URL one spelling.
      ascii = new HttpUrl.Builder().scheme("http").host(host).build().host();
    } catch (IllegalArgumentException e) {
      throw malformed(url, "host '" + host + "' is not a valid internationalised domain name");
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (!HOST_NAME.matcher(ascii).matches()) {
      throw malformed(url, "bad host '" + host + "'");
    }
    return ascii;
  }

  private static String percentEncodeNonAscii(String s) {
    boolean ascii = true;
    for (int i = 0; i < s.length() && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (ascii) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() * 2);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        b.append((char) cp);
      } else {
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xF, 16)))
              .append(Character.toUpperCase(Character.forDigit(x & 0xF, 16)));
        }
      }
    }
    return b.toString();
  }

  private static IllegalArgumentException malformed(String url, String why) {
    return new IllegalArgumentException("malformed URL '" + url + "': " + why);
  }
}
