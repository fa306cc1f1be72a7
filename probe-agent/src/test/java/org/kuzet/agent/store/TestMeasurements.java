package org.kuzet.agent.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
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

/** Small, valid measurements for store and analyst-command tests (no network involved). */
public final class TestMeasurements {
  private static int counter;

  private TestMeasurements() {}

  public static synchronized String uid(Instant t) {
    return org.kuzet.core.MeasurementIds.measurementUid(t, "KZ") + "x" + (counter++);
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
