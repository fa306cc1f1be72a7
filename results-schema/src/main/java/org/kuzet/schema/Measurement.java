package org.kuzet.schema;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One measurement of one input, in OONI's base data format (df-000-base) so OONI's tools can read it.
 *
 * <p>There is deliberately no {@code probe_ip}: the volunteer's address is never recorded (OONI's readers treat
 * the key as optional). The networks are named instead ({@code probe_asn}, {@code probe_cc}, {@code
 * probe_network_name}, {@code resolver_asn}, {@code resolver_network_name}; see probe-core's IdentityLookup).
 * Times are UTC, {@code "YYYY-MM-DD hh:mm:ss"}.
 *
 * <p>{@code testHelpers} is df-000's {@code test_helpers}: the control actually used, {@code {"backend":
 * {"address": url, "type": "https"}}}, {@code {}} when none was; null in lines written before kuzet recorded it.
 */
public record Measurement(
    String measurementUid,
    String reportId,
    String input,
    String measurementStartTime,
    String testStartTime,
    String probeAsn,
    String probeCc,
    String probeNetworkName,
    String resolverAsn,
    String resolverNetworkName,
    String softwareName,
    String softwareVersion,
    String testName,
    String testVersion,
    double testRuntime,
    String dataFormatVersion,
    Map<String, String> annotations,
    TestKeys testKeys,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    com.fasterxml.jackson.databind.JsonNode testHelpers) {

  public static final String TEST_NAME = "web_connectivity";
  public static final String DATA_FORMAT_VERSION = "0.2.0";
  private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  private static final Pattern ASN = Pattern.compile("AS\\d+");
  private static final Pattern CC = Pattern.compile("[A-Z]{2}");

  public Measurement {
    Objects.requireNonNull(measurementUid, "measurementUid");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(testKeys, "testKeys");
    requireMatch(TIME, measurementStartTime, "measurement_start_time");
    requireMatch(TIME, testStartTime, "test_start_time");
    requireMatch(ASN, probeAsn, "probe_asn");
    requireMatch(CC, probeCc, "probe_cc");
    // Lines written before kuzet named networks have none of these: OONI's "unknown" values.
    probeNetworkName = probeNetworkName == null ? "" : probeNetworkName;
    resolverAsn = resolverAsn == null ? "AS0" : resolverAsn;
    resolverNetworkName = resolverNetworkName == null ? "" : resolverNetworkName;
    requireMatch(ASN, resolverAsn, "resolver_asn");
    if (testRuntime < 0) {
      throw new IllegalArgumentException("test_runtime is negative: " + testRuntime);
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    testHelpers = testHelpers == null || testHelpers.isNull() ? null : testHelpers;
  }

  /** A measurement without {@code test_helpers}. */
  public Measurement(String measurementUid, String reportId, String input, String measurementStartTime,
      String testStartTime, String probeAsn, String probeCc, String probeNetworkName, String resolverAsn,
      String resolverNetworkName, String softwareName, String softwareVersion, String testName, String testVersion,
      double testRuntime, String dataFormatVersion, Map<String, String> annotations, TestKeys testKeys) {
    this(measurementUid, reportId, input, measurementStartTime, testStartTime, probeAsn, probeCc, probeNetworkName,
        resolverAsn, resolverNetworkName, softwareName, softwareVersion, testName, testVersion, testRuntime,
        dataFormatVersion, annotations, testKeys, null);
  }

  /** A measurement with the networks unnamed ({@code probe_network_name} "", {@code resolver_asn} AS0). */
  public Measurement(String measurementUid, String reportId, String input, String measurementStartTime,
      String testStartTime, String probeAsn, String probeCc, String softwareName, String softwareVersion,
      String testName, String testVersion, double testRuntime, String dataFormatVersion,
      Map<String, String> annotations, TestKeys testKeys) {
    this(measurementUid, reportId, input, measurementStartTime, testStartTime, probeAsn, probeCc, null, null, null,
        softwareName, softwareVersion, testName, testVersion, testRuntime, dataFormatVersion, annotations, testKeys);
  }

  private static void requireMatch(Pattern p, String value, String key) {
    if (value == null || !p.matcher(value).matches()) {
      throw new IllegalArgumentException(key + " \"" + value + "\" does not match " + p.pattern());
    }
  }

  /** This measurement as made from another network (the identity fields only; ids and times are kept). */
  public Measurement withNetwork(String probeAsn, String probeCc, String probeNetworkName, String resolverAsn,
      String resolverNetworkName) {
    return new Measurement(measurementUid, reportId, input, measurementStartTime, testStartTime, probeAsn, probeCc,
        probeNetworkName, resolverAsn, resolverNetworkName, softwareName, softwareVersion, testName, testVersion,
        testRuntime, dataFormatVersion, annotations, testKeys, testHelpers);
  }

  public Measurement withTestKeys(TestKeys keys) {
    return new Measurement(measurementUid, reportId, input, measurementStartTime, testStartTime, probeAsn, probeCc,
        probeNetworkName, resolverAsn, resolverNetworkName, softwareName, softwareVersion, testName, testVersion, testRuntime, dataFormatVersion, annotations, keys, testHelpers);
  }
}
