package org.kuzet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.core.analysis.Throttling;
import org.kuzet.schema.AnalysisKeys;
import org.kuzet.schema.Blocking;
import org.kuzet.schema.HttpTransaction;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.TestKeys;
import org.kuzet.schema.TlsHandshake;
import org.kuzet.schema.Verdict;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlResponse;

/** A run's baseline: the {@code control} list's sites, and targets whose page came from the same address. */
class LocalBaselineTest {
  private static final Throttling.Thresholds TH = new Throttling.Thresholds(3, Duration.ofSeconds(4),
      Duration.ofSeconds(4));

  /** An accessible page of {@code url} from {@code ip}:443 whose handshake took {@code hs} s. */
  private static Measurement page(String url, String ip, double hs) {
    String endpoint = ip + ":443";
    TlsHandshake tls = new TlsHandshake(endpoint, "x.kz", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", false,
        List.of(), null, 1.0, 1.0 + hs).numbered(1, List.of());
    HttpTransaction tx = new HttpTransaction(new HttpTransaction.Request("GET", url, Map.of(), "", "tcp"),
        new HttpTransaction.Response(200, Map.of(), List.of(), "x", false, 1000, null), null, 2.0, 3.0, endpoint, 0)
        .numbered(1, List.of()).withBodyTimes(2.5, 2.5);
    ObjectNode control = MeasurementJson.mapper().createObjectNode();
    control.putObject("http_request").put("body_length", 1000).putNull("failure").put("status_code", 200);
    TestKeys k = TestKeys.observations(List.of(), List.of(), List.of(tls), List.of(tx), null)
        .withControl(ControlExchange.answered(null, response(control)))
        .withAnalysis(AnalysisKeys.builder().dnsConsistency("consistent").blocking(Blocking.NONE).accessible(true)
            .verdict(Verdict.ACCESSIBLE).signals(List.of()).build());
    return new Measurement("20261130T000000Z_webconnectivity_KZ_x", "r", url, "2026-11-30 00:00:00",
        "2026-11-30 00:00:00", "AS9198", "KZ", "kuzet", "0.1.0", "web_connectivity", "0.1.0", 1.0, "0.2.0", Map.of(),
        k);
  }

  @Test
  void aTargetIsComparedWithAnotherOnTheSameAddress() {
    LocalBaseline baseline = new LocalBaseline(TH);
    assertEquals(Verdict.ACCESSIBLE, baseline.judge(page("https://a.kz/", "10.0.0.1", 0.2), false)
        .testKeys().xVerdict());
    assertEquals(Verdict.BLOCKED, baseline.judge(page("https://b.kz/", "10.0.0.1", 5.0), false)
        .testKeys().xVerdict(), "a's fast handshake on the same address is the baseline");
    assertEquals(Verdict.ACCESSIBLE, baseline.judge(page("https://c.kz/", "10.0.0.9", 5.0), false)
        .testKeys().xVerdict(), "nothing known about this address, and no control-list site: not judged");
  }

  @Test
  void controlListSitesAreTheBaselineOfEveryTarget() {
    LocalBaseline baseline = new LocalBaseline(TH);
    baseline.judge(page("https://example.com/", "10.0.0.1", 0.2), true);
    assertEquals(Verdict.BLOCKED, baseline.judge(page("https://c.kz/", "10.0.0.9", 5.0), false)
        .testKeys().xVerdict());
  }

  @Test
  void aThrottledSiteDoesNotBecomeTheBaseline() {
    LocalBaseline baseline = new LocalBaseline(TH);
    baseline.judge(page("https://example.com/", "10.0.0.1", 0.2), true);
    baseline.judge(page("https://b.kz/", "10.0.0.2", 5.0), false); // throttled: not a sample
    assertEquals(Verdict.BLOCKED, baseline.judge(page("https://d.kz/", "10.0.0.2", 5.0), false)
        .testKeys().xVerdict(), "compared with the fast control-list site, not with b");
  }

  private static ControlResponse response(ObjectNode control) {
    try {
      return MeasurementJson.mapper().treeToValue(control, ControlResponse.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
