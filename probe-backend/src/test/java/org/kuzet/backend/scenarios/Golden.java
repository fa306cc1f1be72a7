package org.kuzet.backend.scenarios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.TestKeys;

/**
 * The golden files of the scenario table: per row, {@code golden/<slug>/measurement.json} (what the probe and the
 * control recorded, analysis keys removed, volatile fields normalised) and {@code analysis.json} (what
 * {@code Analysis.analyze} makes of it). {@link GoldenAnalysisTest} re-analyses every stored measurement and
 * compares, so a change of any verdict is a readable diff in review. Regenerate with {@code
 * -Dkuzet.updateGolden=true}: on {@link GoldenAnalysisTest} it rewrites the analyses from the stored
 * measurements; on {@link WebConnectivityScenariosTest} it re-records the measurements too (see the module README).
 */
final class Golden {
  /** The golden directory, relative to the module (the working directory of surefire). */
  static final Path DIR = Path.of("src", "test", "resources", "golden");

  /** The keys {@code Analysis.analyze} fills, removed from the stored measurement and kept in analysis.json. */
  static final List<String> ANALYSIS_KEYS = List.of("dns_consistency", "blocking", "accessible", "x_verdict",
      "x_signals", "x_interception", "x_blockpage", "x_failed_hop", "body_length_match", "body_proportion",
      "headers_match", "status_code_match", "title_match");

  private static final Pattern LOOPBACK = Pattern.compile("\\b127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");
  /** A port after an IPv4 address, a bracketed IPv6 address or a dotted host name. */
  private static final Pattern HOST_PORT = Pattern.compile(
      "((?:\\d{1,3}\\.){3}\\d{1,3}|\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}):(\\d{2,5})\\b");
  private static final Pattern PORT_FIELD = Pattern.compile("\"port\":(\\d{2,5})\\b");

  private Golden() {}

  static boolean updating() {
    return Boolean.getBoolean("kuzet.updateGolden");
  }

  /** The directory name of a scenario: its name in lower case, words joined by '-'. */
  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replace("ё", "е").replaceAll("[^a-z0-9]+", "-")
        .replaceAll("^-+|-+$", "");
    return s.length() > 90 ? s.substring(0, 90).replaceAll("-+$", "") : s;
  }

  static Path dir(String scenario) {
    return DIR.resolve(slug(scenario));
  }

  /**
   * The measurement as stored: loopback addresses renumbered 127.1.0.N and unprivileged ports 10001… in order of
   * appearance (they are random per run), times and DNS transaction IDs zeroed, the run's identity fixed, and the
   * analysis keys and network events (their order is the scheduler's) removed. The analysis sees the same world:
   * addresses and ports are renamed consistently.
   */
  static ObjectNode normalise(Measurement m) {
    try {
      String text = MeasurementJson.mapper().writeValueAsString(m);
      Map<String, String> ips = new LinkedHashMap<>();
      text = replace(LOOPBACK, text, mt -> mt.group().equals("127.0.0.1") ? mt.group()
          : ips.computeIfAbsent(mt.group(), k -> "127.1.0." + (ips.size() + 1)));
      Map<String, String> ports = new LinkedHashMap<>();
      text = replace(HOST_PORT, text, mt -> mt.group(1) + ":" + port(ports, mt.group(2)));
      text = replace(PORT_FIELD, text, mt -> "\"port\":" + port(ports, mt.group(1)));
      ObjectNode o = (ObjectNode) MeasurementJson.mapper().readTree(text);
      o.put("measurement_uid", "golden");
      o.put("report_id", "golden");
      o.put("measurement_start_time", "2026-11-30 00:00:00");
      o.put("test_start_time", "2026-11-30 00:00:00");
      o.put("test_runtime", 0.0);
      zeroTimes(o.path("test_keys"));
      ObjectNode keys = (ObjectNode) o.get("test_keys");
      ANALYSIS_KEYS.forEach(keys::remove);
      // Which connect ends first is up to the scheduler: events are checked by OoniConformance, never stored here.
      keys.remove("network_events");
      for (JsonNode c : keys.path("tcp_connect")) {
        ((ObjectNode) c.path("status")).remove("blocked");
      }
      return o;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a measurement always serialises", e);
    }
  }

  /** The analysis keys of analysed test keys, with OONI's per-endpoint {@code tcp_connect[].status.blocked}. */
  static ObjectNode analysis(TestKeys analysed) {
    ObjectNode all = MeasurementJson.mapper().valueToTree(analysed);
    ObjectNode out = MeasurementJson.mapper().createObjectNode();
    for (String k : ANALYSIS_KEYS) {
      out.set(k, all.get(k) == null ? MeasurementJson.mapper().nullNode() : all.get(k));
    }
    out.set("control_failure", all.get("control_failure"));
    ArrayNode blocked = out.putArray("tcp_connect_blocked");
    for (JsonNode c : all.path("tcp_connect")) {
      blocked.add(c.path("ip").asText() + ":" + c.path("port").asInt() + " "
          + c.path("status").path("blocked").asText("null"));
    }
    return out;
  }

  static TestKeys keys(JsonNode measurement) {
    try {
      return MeasurementJson.mapper().treeToValue(measurement.get("test_keys"), TestKeys.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("golden measurement.json has unreadable test_keys: " + e.getMessage(), e);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return MeasurementJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return MeasurementJson.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String port(Map<String, String> ports, String port) {
    int p = Integer.parseInt(port);
    return p < 1024 ? port : ports.computeIfAbsent(port, k -> String.valueOf(10001 + ports.size()));
  }

  private static void zeroTimes(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (String f : List.of("t0", "t")) {
        if (o.has(f) && o.get(f).isNumber()) {
          o.put(f, 0.0);
        }
      }
      if (o.has("transaction_id") && o.get("transaction_id").isNumber()) {
        o.put("transaction_id", 0);
      }
      o.forEach(Golden::zeroTimes);
    } else if (node instanceof ArrayNode a) {
      a.forEach(Golden::zeroTimes);
    }
  }

  private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(f.apply(m)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
