package org.kuzet.backend.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * One measurement as a row of OONI fastpath's summary table ({@code measurement_uid}, {@code probe_asn},
 * {@code anomaly}, {@code confirmed}, …) plus kuzet's {@code x_verdict} and {@code x_signals}: the row PostgreSQL's
 * {@code fastpath} table and the ClickHouse export hold. Pure: read leniently from the signed measurement (which
 * the collector has checked against the export schema), no I/O.
 *
 * <p>How kuzet's verdict maps to fastpath's flags: {@code anomaly} when the verdict is {@code blocked};
 * {@code confirmed} when the evidence names the censor (an HTTP 451, a known blockpage, a known interception root);
 * {@code msm_failure} when the measurement could not judge ({@code inconclusive}, {@code offline}).
 * {@code blocking_type} is OONI's {@code test_keys.blocking} ({@code dns}, {@code tcp_ip}, {@code http-failure},
 * {@code http-diff}) when it names one.
 */
public record FastpathRow(String measurementUid, String reportId, String input, String domain, String probeCc,
    int probeAsn, String testName, LocalDateTime testStartTime, LocalDateTime measurementStartTime, String scores,
    String platform, boolean anomaly, boolean confirmed, boolean msmFailure, String blockingType,
    String softwareName, String softwareVersion, String engineName, String engineVersion, String architecture,
    String testVersion, Double testRuntime, String testHelperAddress, String testHelperType, String controlFailure,
    String keyId, String xVerdict, List<String> xSignals, Instant updateTime) {

  /** OONI's time format, UTC. */
  public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final Set<String> CONFIRMING = Set.of("http.451", "http.blockpage", "tls.known_interception_root");

  /**
   * The row of {@code measurement}, signed by {@code keyId}, stored at {@code updateTime}. A missing or malformed
   * {@code measurement_start_time} (which the collector's checks do not let through) falls back to the receipt.
   */
  public static FastpathRow of(JsonNode m, String keyId, Instant updateTime) {
    JsonNode keys = m.path("test_keys");
    String verdict = text(keys, "x_verdict");
    List<String> signals = new ArrayList<>();
    keys.path("x_signals").forEach(s -> {
      if (s.isTextual()) {
        signals.add(s.asText());
      }
    });
    String input = text(m, "input");
    LocalDateTime start = time(text(m, "measurement_start_time"));
    if (start == null) {
      start = LocalDateTime.ofInstant(updateTime, java.time.ZoneOffset.UTC).withNano(0);
    }
    JsonNode blocking = keys.path("blocking");
    String blockingType = blocking.isTextual() ? blocking.asText() : null;
    boolean blocked = "blocked".equals(verdict);
    boolean confirmed = blocked && signals.stream().anyMatch(CONFIRMING::contains);
    boolean failure = "inconclusive".equals(verdict) || "offline".equals(verdict);
    JsonNode helper = m.path("test_helpers").path("backend");
    JsonNode control = keys.path("control_failure");
    JsonNode runtime = m.path("test_runtime");
    return new FastpathRow(text(m, "measurement_uid"), orEmpty(text(m, "report_id")), input, domain(input),
        orEmpty(text(m, "probe_cc")), asn(text(m, "probe_asn")), orEmpty(text(m, "test_name")),
        time(text(m, "test_start_time")), start, scores(blocked, confirmed, failure, verdict),
        text(m.path("annotations"), "platform"), blocked, confirmed, failure, blockingType,
        text(m, "software_name"), text(m, "software_version"), text(m.path("annotations"), "engine_name"),
        text(m.path("annotations"), "engine_version"), text(m.path("annotations"), "architecture"),
        text(m, "test_version"), runtime.isNumber() ? runtime.asDouble() : null, text(helper, "address"),
        text(helper, "type"), control.isTextual() ? control.asText() : null, keyId, verdict, List.copyOf(signals),
        updateTime);
  }

  /** The row's columns by name, in the order of the ClickHouse table (docs/clickhouse/fastpath.sql). */
  public Map<String, Object> columns() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("measurement_uid", measurementUid);
    c.put("report_id", reportId);
    c.put("input", orEmpty(input));
    c.put("domain", orEmpty(domain));
    c.put("probe_cc", probeCc);
    c.put("probe_asn", probeAsn);
    c.put("test_name", testName);
    c.put("test_start_time", TIME.format(testStartTime == null ? measurementStartTime : testStartTime));
    c.put("measurement_start_time", TIME.format(measurementStartTime));
    c.put("filename", "");
    c.put("scores", scores);
    c.put("platform", orEmpty(platform));
    c.put("anomaly", anomaly ? "t" : "f");
    c.put("confirmed", confirmed ? "t" : "f");
    c.put("msm_failure", msmFailure ? "t" : "f");
    c.put("blocking_type", orEmpty(blockingType));
    c.put("software_name", orEmpty(softwareName));
    c.put("software_version", orEmpty(softwareVersion));
    c.put("engine_name", orEmpty(engineName));
    c.put("engine_version", orEmpty(engineVersion));
    c.put("architecture", orEmpty(architecture));
    c.put("test_version", orEmpty(testVersion));
    c.put("test_runtime", testRuntime == null ? 0.0 : testRuntime);
    c.put("test_helper_address", orEmpty(testHelperAddress));
    c.put("test_helper_type", orEmpty(testHelperType));
    c.put("control_failure", orEmpty(controlFailure));
    c.put("update_time", TIME.format(LocalDateTime.ofInstant(updateTime, java.time.ZoneOffset.UTC)));
    c.put("x_key_id", keyId);
    c.put("x_verdict", orEmpty(xVerdict));
    c.put("x_signals", xSignals);
    return c;
  }

  /** fastpath's scores object: the blocking likelihoods (0 or 1 here: kuzet's verdict is not a score) and kuzet's verdict. */
  private static String scores(boolean blocked, boolean confirmed, boolean failure, String verdict) {
    ObjectNode s = UploadProtocol.mapper().createObjectNode();
    s.put("blocking_general", blocked ? 1.0 : 0.0);
    s.put("blocking_global", 0.0);
    s.put("blocking_country", 0.0);
    s.put("blocking_isp", 0.0);
    s.put("blocking_local", 0.0);
    s.put("accuracy", failure ? 0.0 : 1.0);
    if (confirmed) {
      s.put("analysis", "confirmed");
    }
    if (verdict != null) {
      s.put("x_verdict", verdict);
    }
    return s.toString();
  }

  /** The host of a URL input, lower-case, or null. */
  static String domain(String input) {
    if (input == null) {
      return null;
    }
    try {
      String host = URI.create(input).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code AS9198} → 9198; anything else 0 (OONI's "unknown"). */
  static int asn(String probeAsn) {
    if (probeAsn == null || !probeAsn.matches("AS[0-9]{1,10}")) {
      return 0;
    }
    long n = Long.parseLong(probeAsn.substring(2));
    return n > Integer.MAX_VALUE ? 0 : (int) n;
  }

  static LocalDateTime time(String value) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(value, TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.asText() : null;
  }
}
