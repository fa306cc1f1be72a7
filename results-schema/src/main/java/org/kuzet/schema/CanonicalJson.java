package org.kuzet.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON Canonicalization Scheme (RFC 8785, "JCS"): the bytes a measurement signature is computed over.
 *
 * <p>Object members sorted by their names' UTF-16 code units, no insignificant whitespace, strings with the
 * minimal escapes of ECMAScript's {@code JSON.stringify}, numbers in ECMAScript's shortest round-trip form
 * ({@code 1.0} → {@code 1}, {@code 1e21}, {@code 1e-7}), UTF-8 output. Because it is a published standard with
 * implementations in most languages (Python {@code jcs}, JavaScript {@code canonicalize}, Go {@code
 * webpki.org/jsoncanonicalizer}), a third party can recompute these bytes from an uploaded measurement without
 * kuzet's code.
 *
 * <p>A string holding a lone surrogate (half a UTF-16 pair) has no UTF-8 encoding; RFC 8785 requires I-JSON
 * input (RFC 7493 §2.1), which excludes it. It is rejected, never replaced: replacing it (by {@code ?} or U+FFFD)
 * would give two different documents the same bytes, so one signature would verify both. kuzet's own JSON never
 * holds one ({@link WellFormedText}).
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /**
   * The canonical UTF-8 bytes of {@code node}.
   *
   * @throws IllegalArgumentException when a string or member name holds a lone surrogate (the message names the
   *     JSON Pointer of the value), or a number is not finite
   */
  public static byte[] encode(JsonNode node) {
    StringBuilder out = new StringBuilder(1024);
    write(node, out, new ArrayDeque<>());
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical bytes of a measurement as kuzet serialises it. */
  public static byte[] encode(Measurement m) {
    return encode((JsonNode) MeasurementJson.mapper().valueToTree(m));
  }

  private static void write(JsonNode node, StringBuilder out, Deque<String> path) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        names.sort(String::compareTo); // String.compareTo orders by UTF-16 code units, as RFC 8785 §3.2.3 asks
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          path.addLast(names.get(i));
          writeString(names.get(i), out, path);
          out.append(':');
          write(node.get(names.get(i)), out, path);
          path.removeLast();
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          path.addLast(Integer.toString(i));
          write(node.get(i), out, path);
          path.removeLast();
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out, path);
      case NUMBER -> out.append(number(node));
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL, MISSING -> out.append("null");
      default -> throw new IllegalArgumentException("not representable in JSON: " + node.getNodeType());
    }
  }

  private static void writeString(String s, StringBuilder out, Deque<String> path) {
    int lone = WellFormedText.firstLoneSurrogate(s);
    if (lone >= 0) {
      StringBuilder pointer = new StringBuilder();
      path.forEach(p -> pointer.append('/').append(p.replace("~", "~0").replace("/", "~1")));
      throw new IllegalArgumentException(String.format("not well-formed Unicode: a lone surrogate U+%04X at index %d"
          + " of the string at %s; RFC 8785 has no encoding for it", (int) s.charAt(lone), lone,
          pointer.length() == 0 ? "the root" : WellFormedText.of(pointer.toString())));
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static String number(JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      long v = node.longValue();
      if (Math.abs(v) <= (1L << 53)) {
        return Long.toString(v);
      }
    }
    return formatDouble(node.doubleValue());
  }

  /** ECMAScript's Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3). */
  static String formatDouble(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("JSON has no representation for " + d);
    }
    if (d == 0) {
      return "0"; // also for -0
    }
    BigDecimal shortest = shortestRoundTrip(d);
    String sign = shortest.signum() < 0 ? "-" : "";
    BigDecimal abs = shortest.abs().stripTrailingZeros();
    String digits = abs.unscaledValue().toString(); // k digits
    int k = digits.length();
    int n = k - abs.scale(); // the value is 0.digits × 10^n
    StringBuilder s = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      s.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      s.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      s.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      s.append(digits.charAt(0));
      if (k > 1) {
        s.append('.').append(digits, 1, k);
      }
      int e = n - 1;
      s.append('e').append(e < 0 ? "-" : "+").append(Math.abs(e));
    }
    return s.toString();
  }

  /** The decimal with the fewest significant digits that parses back to exactly {@code d}. */
  private static BigDecimal shortestRoundTrip(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, java.math.RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == d) {
        return candidate;
      }
    }
    return exact.round(MathContext.DECIMAL64);
  }
}
