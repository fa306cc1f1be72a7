package org.kuzet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.control.ControlExchange;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse;

class TestKeysTest {

  /** Every part filled, so every key is written. */
  static TestKeys full() throws Exception {
    Measurement m = MeasurementJsonTest.sample();
    Observations obs = m.testKeys().observations()
        .withNetworkEvents(List.of(NetworkEvent.of("connect", "93.184.216.34:443", "tcp", null, null, 0.01, 0.02)
            .numbered(3, List.of("depth=0"))));
    ControlResponse answer = MeasurementJson.mapper().readValue("{\"tcp_connect\":{},\"tls_handshake\":{},"
        + "\"http_request\":{\"body_length\":3,\"failure\":null,\"title\":\"\",\"headers\":{},\"status_code\":200},"
        + "\"dns\":{\"failure\":null,\"addrs\":[\"93.184.216.34\"]},\"ip_info\":{}}", ControlResponse.class);
    ControlExchange control = ControlExchange.answered(
        new ControlRequest("https://holanews.kz/", Map.of("Accept", List.of("*/*")), List.of("93.184.216.34:443")),
        answer);
    AnalysisKeys analysis = AnalysisKeys.builder().dnsConsistency("consistent").blocking(Blocking.method("tcp_ip"))
        .accessible(false).verdict(Verdict.BLOCKED).signals(List.of(Signal.TCP_RESET))
        .interception(MeasurementJson.mapper().readTree("{\"issuer\":\"CN=x\"}")).bodyLengthMatch(true)
        .bodyProportion(1.0).headersMatch(true).statusCodeMatch(true).titleMatch(true).blockpage(List.of("a"))
        .failedHop(MeasurementJson.mapper().readTree("{\"hop\":0}"))
        .throttlingBaseline(new ThrottlingBaseline(0.2, 50_000.0, 3, 3.0, 4.0, 4.0)).build();
    return new TestKeys(obs, control, analysis);
  }

  @Test
  void partsAreFlatOnTheWireInOonisOrder() throws Exception {
    JsonNode json = MeasurementJson.mapper().valueToTree(full());
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertEquals(TestKeys.WIRE_ORDER, keys);
  }

  @Test
  void roundTripsEveryPart() throws Exception {
    TestKeys k = full();
    Measurement m = MeasurementJsonTest.sample().withTestKeys(k);
    Measurement back = MeasurementJson.parse(MeasurementJson.toLine(m));
    assertEquals(k, back.testKeys());
    assertEquals("tcp_ip", back.testKeys().blocking().toString());
    assertEquals(200, back.testKeys().control().httpRequest().statusCode());
    assertEquals("https://holanews.kz/", back.testKeys().xControlRequest().httpRequest());
    assertEquals("connect", back.testKeys().networkEvents().get(0).operation());
  }

  /** A line as kuzet wrote it before the split (no network events, no control request) reads and writes back. */
  @Test
  void linesWrittenBeforeTheSplitAreWrittenBackByteForByte() {
    String line = MeasurementJson.toLine(MeasurementJsonTest.sample());
    String keys = line.substring(line.indexOf("\"test_keys\""));
    assertEquals("\"test_keys\":{\"queries\":", keys.substring(0, 23));
    assertTrue(keys.contains("\"requests\":[{"), keys);
    assertTrue(keys.contains("}],\"control\":null,\"control_failure\":null,\"dns_experiment_failure\":null,"
        + "\"dns_consistency\":null,\"blocking\":null,\"accessible\":null,\"x_verdict\":null,\"x_signals\":null,"
        + "\"x_interception\":null,\"body_length_match\":null,\"body_proportion\":null,\"headers_match\":null,"
        + "\"status_code_match\":null,\"title_match\":null,\"x_blockpage\":null,\"x_failed_hop\":null}"), keys);
    assertFalse(keys.contains("network_events"), "no events, no key");
    assertEquals(line, MeasurementJson.toLine(MeasurementJson.parse(line)));
  }

  @Test
  void unknownKeysInTestKeysAreRejected() {
    String line = MeasurementJson.toLine(MeasurementJsonTest.sample()).replace("\"dns_consistency\"", "\"dns_consistncy\"");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeasurementJson.parse(line));
    assertTrue(e.getMessage().contains("dns_consistncy"), e.getMessage());
  }

  @Test
  void blockingIsFalseAMethodOrNull() throws Exception {
    String line = MeasurementJson.toLine(MeasurementJsonTest.sample().withTestKeys(
        TestKeys.of(Observations.NONE).withAnalysis(AnalysisKeys.builder().blocking(Blocking.NONE).build())));
    assertTrue(line.contains("\"blocking\":false"), line);
    assertEquals(Blocking.NONE, MeasurementJson.parse(line).testKeys().blocking());
    assertFalse(Blocking.NONE.blocked());
    assertEquals("dns", Blocking.fromWire("dns").blockingMethod().orElseThrow());
    assertNull(MeasurementJson.parse(line.replace("\"blocking\":false", "\"blocking\":null")).testKeys().blocking());
    assertThrows(IllegalArgumentException.class, () -> MeasurementJson.parse(line.replace("\"blocking\":false",
        "\"blocking\":true")));
    assertThrows(IllegalArgumentException.class, () -> MeasurementJson.parse(line.replace("\"blocking\":false",
        "\"blocking\":3")));
  }

  @Test
  void networkEventsAreCapped() {
    List<NetworkEvent> many = new ArrayList<>();
    for (int i = 0; i < Observations.MAX_NETWORK_EVENTS + 10; i++) {
      many.add(NetworkEvent.of("read", "93.184.216.34:443", "tcp", 100L, null, i, i));
    }
    Observations o = Observations.NONE.withNetworkEvents(many);
    assertEquals(Observations.MAX_NETWORK_EVENTS, o.networkEvents().size());
    assertEquals(0.0, o.networkEvents().get(0).t(), "the first events are kept");
  }
}
