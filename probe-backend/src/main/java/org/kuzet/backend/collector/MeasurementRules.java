package org.kuzet.backend.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.schema.MeasurementJson;
import org.xbill.DNS.Address;

/**
 * What the collector checks in a measurement's content, once its signature holds: that it is a measurement of the
 * export format (results-schema's {@code measurement.schema.json}, draft 2020-12), and that no field where an
 * address has no business holds one.
 *
 * <p>Addresses belong only in the measured endpoints' fields: {@code queries[].answers[].ipv4|ipv6} (also in
 * {@code x_extra_replies}), {@code queries[].resolver_address}, {@code queries[].x_doh_tls.address},
 * {@code tcp_connect[].ip}, {@code tls_handshakes[].address}, {@code requests[].address} (older lines:
 * {@code x_address}), {@code network_events[].address}, the helper's URL ({@code test_helpers.backend.address}), and the control's
 * answer ({@code test_keys.control}, the helper's view of the site). Any other member named like an address
 * ({@code probe_ip}, {@code client_ip}, {@code x_local_address}, {@code peer_addr}: a name with an {@code ip},
 * {@code ips}, {@code ipv4}, {@code ipv6}, {@code addr}, {@code addrs}, {@code address} or {@code addresses}
 * part) and every {@code annotations} value must not hold an IPv4 or IPv6 address. The probe scrubs its own
 * addresses from free text (bodies, headers, failures) before upload; the collector cannot know them, so free
 * text is not judged here. Thread-safe.
 */
final class MeasurementRules {
  private static final JsonSchema SCHEMA = load();
  private static final Pattern NAME_PARTS = Pattern.compile("[_\\-]");
  private static final Set<String> ADDRESS_WORDS = Set.of("ip", "ips", "ipv4", "ipv6", "addr", "addrs", "address",
      "addresses");
  /** Paths (array indices as {@code *}) where a measured endpoint's address is data. */
  private static final List<String> ENDPOINTS = List.of(
      "test_keys.queries.*.answers.*.ipv4", "test_keys.queries.*.answers.*.ipv6",
      "test_keys.queries.*.x_extra_replies.*.*.ipv4", "test_keys.queries.*.x_extra_replies.*.*.ipv6",
      "test_keys.queries.*.resolver_address", "test_keys.queries.*.x_doh_tls.address", "test_keys.tcp_connect.*.ip",
      "test_keys.tls_handshakes.*.address", "test_keys.requests.*.address", "test_keys.requests.*.x_address",
      "test_keys.network_events.*.address", "test_helpers.backend.address");
  private static final String CONTROL = "test_keys.control";
  private static final Pattern V4 = Pattern.compile("(?<![0-9.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})"
      + "(?![0-9]|\\.[0-9])");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
      + "(?:\\.\\d{1,3}){0,3}");

  private MeasurementRules() {}

  private static JsonSchema load() {
    try (InputStream in = MeasurementJson.class.getResourceAsStream("measurement.schema.json")) {
      if (in == null) {
        throw new IllegalStateException("results-schema's measurement.schema.json is missing from the classpath");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Why {@code measurement} is refused, or null when its content is acceptable. */
  static String violation(JsonNode measurement) {
    Set<ValidationMessage> errors = SCHEMA.validate(measurement);
    if (!errors.isEmpty()) {
      List<String> messages = errors.stream().map(ValidationMessage::getMessage).sorted(Comparator.naturalOrder())
          .toList();
      return "not a measurement of the export schema: " + messages.get(0)
          + (messages.size() > 1 ? " (and " + (messages.size() - 1) + " more)" : "");
    }
    return addressOutsideEndpoints(measurement, "");
  }

  private static String addressOutsideEndpoints(JsonNode node, String path) {
    if (path.equals(CONTROL)) {
      return null;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        boolean addressFree = path.equals("annotations") || namedLikeAnAddress(f.getKey())
            && !ENDPOINTS.contains(child);
        if (addressFree) {
          String found = address(f.getValue());
          if (found != null) {
            return "address " + found + " in " + child + ", a field that never holds one (only the measured "
                + "endpoints' fields may)";
          }
        } else {
          String inner = addressOutsideEndpoints(f.getValue(), child);
          if (inner != null) {
            return inner;
          }
        }
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String inner = addressOutsideEndpoints(item, path + ".*");
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  static boolean namedLikeAnAddress(String name) {
    for (String word : NAME_PARTS.split(name.toLowerCase(Locale.ROOT))) {
      if (ADDRESS_WORDS.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** The first address-shaped text anywhere in {@code value} (strings, arrays, objects), or null. */
  private static String address(JsonNode value) {
    if (value.isTextual()) {
      return address(value.asText());
    }
    for (JsonNode child : value) {
      String found = address(child);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  static String address(String text) {
    Matcher m = V4.matcher(text);
    while (m.find()) {
      if (Integer.parseInt(m.group(1)) < 256 && Integer.parseInt(m.group(2)) < 256
          && Integer.parseInt(m.group(3)) < 256 && Integer.parseInt(m.group(4)) < 256) {
        return m.group();
      }
    }
    m = V6.matcher(text);
    while (m.find()) {
      if (Address.toByteArray(m.group(), Address.IPv6) != null) {
        return m.group();
      }
    }
    return null;
  }
}
