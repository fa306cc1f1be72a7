package org.kuzet.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.xbill.DNS.Address;

/**
 * Removes the volunteer's own addresses from a measurement, as OONI Probe does: every occurrence, in every string
 * of it (bodies, titles, headers and Set-Cookie values, URLs of later hops, failure strings, the control's
 * answer), is replaced by {@value #MARKER}. Occurrences are found by reading every address-shaped token and
 * comparing the address it spells, so each form a page writes matches: IPv4 dotted (also with {@code -} or
 * {@code _} between the parts, as reverse-DNS names write it, or reversed, or {@code %2E}-encoded), as one
 * decimal number; IPv6 compressed, expanded, with leading zeros, in any case, in brackets, {@code %3A}-encoded, and
 * IPv4-mapped ({@code ::ffff:203.0.113.5}, {@code ::ffff:cb00:7105}).
 *
 * <p>The measured endpoints' own address fields ({@code ip}, {@code ipv4}, {@code ipv6}, {@code address},
 * {@code x_address}, {@code addrs}) are observations of the site, not of the volunteer, and are left alone. A
 * response body that changed has its {@code x_body_length} changed by as many bytes (the addresses and the
 * marker are ASCII); its raw bytes ({@code x_body_base64}) are scrubbed byte for byte. Stateless apart from the addresses; thread-safe.
 */
public final class Scrubber {
  public static final String MARKER = "[scrubbed]";

  private static final Pattern V4 = Pattern.compile(
      "(?<![0-9])(\\d{1,3})(\\.|%2[eE]|-|_)(\\d{1,3})\\2(\\d{1,3})\\2(\\d{1,3})(?![0-9])");
  private static final Pattern V4_NUMBER = Pattern.compile("(?<![0-9.])\\d{7,10}(?![0-9])");
  private static final Pattern V6 = Pattern.compile(
      "(?:[0-9A-Fa-f]{0,4}(?::|%3[aA])){2,7}(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{1,4})?");
  /** The measured endpoints' address fields: observations of the site, never the volunteer's. */
  private static final Set<String> ENDPOINT_FIELDS = Set.of("ip", "ipv4", "ipv6", "address", "x_address", "addrs");

  private final Set<Long> v4 = new HashSet<>();
  private final Set<String> v6 = new HashSet<>();

  /** A scrubber of {@code addresses} (loopback and unspecified ones are ignored: they reveal nothing). */
  public Scrubber(Collection<InetAddress> addresses) {
    for (InetAddress a : addresses) {
      if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
        continue;
      }
      byte[] b = a.getAddress();
      if (b.length == 4) {
        v4.add(toLong(b));
      } else {
        v6.add(Arrays.toString(b));
      }
    }
  }

  /** Nothing to scrub. */
  public boolean isEmpty() {
    return v4.isEmpty() && v6.isEmpty();
  }

  /** {@code text} with every occurrence of the addresses replaced by {@value #MARKER}; null stays null. */
  public String scrub(String text) {
    if (text == null || isEmpty() || text.isEmpty()) {
      return text;
    }
    // IPv6 first, so a mapped ::ffff:203.0.113.5 goes whole rather than leaving "::ffff:[scrubbed]".
    String s = text.indexOf(':') >= 0 || text.contains("%3") ? replace(text, V6, this::isOwnV6) : text;
    if (!v4.isEmpty()) {
      s = replace(s, V4, this::isOwnV4);
      s = replace(s, V4_NUMBER, m -> v4.contains(Long.parseLong(m.group())));
    }
    return s;
  }

  /** {@code m} with every string scrubbed (see the class comment); the same instance when nothing changed. */
  public Measurement scrub(Measurement m) {
    if (isEmpty()) {
      return m;
    }
    ObjectNode tree = MeasurementJson.mapper().valueToTree(m);
    if (!scrubNode(tree)) {
      return m;
    }
    try {
      return MeasurementJson.mapper().treeToValue(tree, Measurement.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a scrubbed measurement no longer decodes: " + e.getOriginalMessage(), e);
    }
  }

  /** Scrubs every string under {@code node} in place; true when something changed. */
  private boolean scrubNode(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (ENDPOINT_FIELDS.contains(f.getKey())) {
          continue;
        }
        if (f.getKey().equals("x_body_base64") && f.getValue().isTextual()) {
          // The body's raw bytes: addresses are ASCII, so scrub them as ISO-8859-1 text (one char per byte).
          byte[] raw = java.util.Base64.getDecoder().decode(f.getValue().asText());
          String before = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
          String after = scrub(before);
          if (!after.equals(before)) {
            f.setValue(TextNode.valueOf(java.util.Base64.getEncoder().encodeToString(
                after.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
            changed = true;
          }
        } else if (f.getValue().isTextual()) {
          String before = f.getValue().asText();
          String after = scrub(before);
          if (!after.equals(before)) {
            f.setValue(TextNode.valueOf(after));
            changed = true;
            if (f.getKey().equals("body") && o.has("x_body_length")) {
              o.put("x_body_length", Math.max(0, o.get("x_body_length").asLong() + after.length() - before.length()));
            }
          }
        } else {
          changed |= scrubNode(f.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode item = a.get(i);
        if (item.isTextual()) {
          String after = scrub(item.asText());
          if (!after.equals(item.asText())) {
            a.set(i, TextNode.valueOf(after));
            changed = true;
          }
        } else {
          changed |= scrubNode(item);
        }
      }
    }
    return changed;
  }

  private interface Own {
    boolean test(Matcher m);
  }

  /** Replaces each match that {@code own} accepts; a rejected match is retried one character on (overlaps). */
  private static String replace(String s, Pattern p, Own own) {
    Matcher m = p.matcher(s);
    StringBuilder out = null;
    int copied = 0;
    int from = 0;
    while (from <= s.length() && m.find(from)) {
      if (m.group().isEmpty()) {
        from = m.start() + 1;
        continue;
      }
      if (own.test(m)) {
        if (out == null) {
          out = new StringBuilder(s.length());
        }
        out.append(s, copied, m.start()).append(MARKER);
        copied = m.end();
        from = m.end();
      } else {
        from = m.start() + 1;
      }
    }
    return out == null ? s : out.append(s, copied, s.length()).toString();
  }

  private boolean isOwnV4(Matcher m) {
    int[] parts = new int[4];
    for (int i = 0; i < 4; i++) {
      parts[i] = Integer.parseInt(m.group(i == 0 ? 1 : i + 2));
      if (parts[i] > 255) {
        return false;
      }
    }
    long forward = (long) parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
    long reverse = (long) parts[3] << 24 | parts[2] << 16 | parts[1] << 8 | parts[0];
    return v4.contains(forward) || v4.contains(reverse); // reverse: 5.113.0.203.in-addr.arpa
  }

  private boolean isOwnV6(Matcher m) {
    String token = m.group().replace("%3A", ":").replace("%3a", ":");
    byte[] b = Address.toByteArray(token, Address.IPv6);
    if (b == null && token.endsWith(":") && !token.endsWith("::")) {
      b = Address.toByteArray(token.substring(0, token.length() - 1), Address.IPv6); // "addr:" in a sentence
    }
    if (b == null) {
      return false;
    }
    InetAddress a;
    try {
      a = InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return false;
    }
    return a instanceof Inet4Address ? v4.contains(toLong(a.getAddress())) : v6.contains(Arrays.toString(b));
  }

  private static long toLong(byte[] b) {
    return (b[0] & 0xffL) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
  }
}
