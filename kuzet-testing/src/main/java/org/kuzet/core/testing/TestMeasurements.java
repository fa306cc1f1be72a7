package org.kuzet.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.DnsAnswer;
import org.kuzet.schema.DnsQuery;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.Signal;
import org.kuzet.schema.TcpConnect;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.Verdict;

/**
 * The one place tests get small, valid measurements from (no network involved): records for the store, the
 * analyst commands, the service and metrics, and the export JSON the uploader sends and the collector checks.
 */
public final class TestMeasurements {
  private static final DateTimeFormatter UID_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSSSS")
      .withZone(ZoneOffset.UTC);
  private static long counter;

  private TestMeasurements() {}

  /** A measurement_uid in OONI's shape, unique in this JVM (a counter where the probe has 64 random bits). */
  public static synchronized String uid(Instant t) {
    return UID_STAMP.format(t) + "_KZ_webconnectivity_" + HexFormat.of().toHexDigits(counter++);
  }

  public static Measurement blocked(String input, Instant t) {
    ObjectNode interception = JsonNodeFactory.instance.objectNode()
        .put("issuer", "CN=Qaznet Trust Network <root>")
        .put("spki_sha256", "abc123")
        .put("known_root", "kz-national-security-certificate");
    return of(input, t, Verdict.BLOCKED, "http-diff", false,
        List.of(Signal.TLS_INTERCEPTION, Signal.TLS_KNOWN_INTERCEPTION_ROOT), interception);
  }

  public static Measurement accessible(String input, Instant t) {
    return of(input, t, Verdict.ACCESSIBLE, false, true, List.of(), null);
  }

  public static Measurement of(String input, Instant t, Verdict verdict, Object blocking, Boolean accessible,
      List<Signal> signals, ObjectNode interception) {
    return of(input, t, verdict, blocking, accessible, signals, interception, "<title>x</title>");
  }

  /**
   * A measurement judged on its TCP connect: blocked ({@code blocking = "tcp_ip"}) after a connect timeout, or
   * accessible after a connect; for tests that only care about verdicts, signals and times.
   */
  public static Measurement of(String input, Instant t, Verdict verdict, List<Signal> signals) {
    TcpConnect tcp = verdict == Verdict.ACCESSIBLE
        ? new TcpConnect("127.0.0.9", 443, new TcpConnect.Status(true, null, null), 0.1, 0.35)
        : new TcpConnect("127.0.0.9", 443, new TcpConnect.Status(false, "generic_timeout_error", true), 0.1, 0.35);
    TestKeys keys = TestKeys.observations(List.of(), List.of(tcp), List.of(), List.of(), null).withAnalysis(
        AnalysisKeys.builder().blocking(verdict == Verdict.BLOCKED ? Blocking.method("tcp_ip") : Blocking.NONE)
            .accessible(verdict == Verdict.ACCESSIBLE).verdict(verdict).signals(signals).build());
    String time = MeasurementJson.ooniTime(t);
    return new Measurement(uid(t), "report", input, time, time, "AS0", "ZZ", "kuzet", "0.1.0",
        Measurement.TEST_NAME, "0.5.0", 1.5, Measurement.DATA_FORMAT_VERSION, Map.of(), keys);
  }

  /**
   * One measurement in the export format, as the uploader queues it and the collector receives it: small and
   * valid against the export's JSON Schema; {@code signals} by their wire names.
   */
  public static String exportJson(String uid, String input, Verdict verdict, String... signals) {
    String wire = Arrays.stream(signals).map(s -> "\"" + s + "\"").reduce((a, b) -> a + "," + b).orElse("");
    return """
        {"measurement_uid":"%s","input":"%s","probe_cc":"KZ","probe_asn":"AS9198",\
        "measurement_start_time":"2026-11-22 10:10:10","test_start_time":"2026-11-22 10:10:10",\
        "software_name":"kuzet","software_version":"0.1.0","data_format_version":"0.2.0",\
        "test_name":"web_connectivity","test_runtime":1.5,\
        "test_keys":{"x_verdict":"%s","x_signals":[%s],"queries":[],"tls_handshakes":[],"requests":[],\
        "tcp_connect":[{"ip":"93.184.216.34","port":443,"status":{"success":true,"failure":null},"t0":0.1,"t":0.2}]}}"""
        .formatted(uid, input, verdict.wire(), wire);
  }

  /** An accessible measurement whose fetched page is {@code body} (large measurements: upload tests). */
  public static Measurement withBody(String input, Instant t, String body) {
    return of(input, t, Verdict.ACCESSIBLE, false, true, List.of(), null, body);
  }

  private static Measurement of(String input, Instant t, Verdict verdict, Object blocking, Boolean accessible,
      List<Signal> signals, ObjectNode interception, String body) {
    String host = input.replaceFirst("^https?://", "").replaceFirst("[/:].*$", "");
    DnsQuery q = new DnsQuery("system", "127.0.0.53:53", host, "A", 0, List.of(DnsAnswer.a("93.184.216.34", 300,
        false)), null, 1234, 0.001, 0.02, List.of(), null);
    TcpConnect tcp = new TcpConnect("93.184.216.34", 443, new TcpConnect.Status(true, null, null), 0.021, 0.05);
    HttpTransaction http = new HttpTransaction(new HttpTransaction.Request("GET", input, Map.of("Accept", "*/*"),
        "", "tcp"), new HttpTransaction.Response(200, Map.of("Content-Type", "text/html"),
        List.of(List.of("Content-Type", "text/html")), body, false, body.length(), "x"), null, 0.05, 0.1,
        "93.184.216.34:443", 0);
    TestKeys keys = TestKeys.observations(List.of(q), List.of(tcp), List.of(), List.of(http), null).withAnalysis(
        AnalysisKeys.builder().dnsConsistency("consistent").blocking(blocking == null ? null : Blocking.fromWire(blocking))
            .accessible(accessible).verdict(verdict).signals(signals).interception(interception).build());
    String time = MeasurementJson.ooniTime(t);
    return new Measurement(uid(t), "20261122T000000Z_webconnectivity_KZ_9198_r1_test", input, time, time, "AS9198",
        "KZ", "kuzet", "0.1.0", Measurement.TEST_NAME, "0.1.0", 0.5, Measurement.DATA_FORMAT_VERSION, Map.of(),
        keys);
  }
}
