package org.kuzet.backend.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.kuzet.core.analysis.Analysis;
import org.kuzet.core.net.Bogons;
import org.kuzet.core.ooni.OoniMeasurementReader;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.OoniExport;
import org.kuzet.schema.TestKeys;

/**
 * The conformance of kuzet's {@code export --format ooni} line (issue 17's "Done when"): df-000's keys with the
 * types OONI writes, ts-017's test keys, every request joinable to its TCP connect by {@code transaction_id} and
 * address, the network named, and the line read back by kuzet's OONI reader analysing to the same verdict.
 */
final class OoniConformance {
  /** df-000's keys a probe writes (measurement_uid is kuzet's, the collector's in OONI: checked too). */
  private static final Map<String, String> BASE = Map.ofEntries(
      Map.entry("annotations", "object"), Map.entry("data_format_version", "string"), Map.entry("input", "string"),
      Map.entry("measurement_start_time", "string"), Map.entry("probe_asn", "string"),
      Map.entry("probe_cc", "string"), Map.entry("probe_ip", "string"), Map.entry("probe_network_name", "string"),
      Map.entry("report_id", "string"), Map.entry("resolver_asn", "string"),
      Map.entry("resolver_network_name", "string"), Map.entry("software_name", "string"),
      Map.entry("software_version", "string"), Map.entry("test_helpers", "object"), Map.entry("test_keys", "object"),
      Map.entry("test_name", "string"), Map.entry("test_runtime", "number"), Map.entry("test_start_time", "string"),
      Map.entry("test_version", "string"), Map.entry("measurement_uid", "string"));
  /** ts-017's test keys, with the types OONI writes ("string|null": a string or null). */
  private static final Map<String, String> TEST_KEYS = Map.ofEntries(
      Map.entry("queries", "array"), Map.entry("tcp_connect", "array"), Map.entry("tls_handshakes", "array"),
      Map.entry("requests", "array"), Map.entry("network_events", "array"), Map.entry("agent", "string"), Map.entry("client_resolver", "null"),
      Map.entry("control_failure", "string|null"), Map.entry("dns_experiment_failure", "string|null"),
      Map.entry("http_experiment_failure", "string|null"), Map.entry("dns_consistency", "string|null"),
      Map.entry("body_length_match", "boolean|null"), Map.entry("body_proportion", "number|null"),
      Map.entry("headers_match", "boolean|null"), Map.entry("status_code_match", "boolean|null"),
      Map.entry("title_match", "boolean|null"), Map.entry("accessible", "boolean|null"),
      Map.entry("blocking", "string|boolean|null"));

  private OoniConformance() {}

  /** Checks the OONI line of {@code m} (a scenario's measurement, control included). */
  static void check(String scenario, Measurement m) {
    String line = OoniExport.line(MeasurementJson.toLine(m));
    JsonNode root;
    try {
      root = MeasurementJson.mapper().readTree(line);
    } catch (Exception e) {
      throw new AssertionError(scenario + ": the OONI line is not JSON", e);
    }
    types(scenario, root, BASE);
    JsonNode tk = root.get("test_keys");
    types(scenario + " test_keys", tk, TEST_KEYS);
    assertNotEquals("ZZ", root.get("probe_cc").asText(), scenario + ": probe_cc");
    assertNotEquals("AS0", root.get("probe_asn").asText(), scenario + ": probe_asn");
    assertEquals("web_connectivity", root.get("test_name").asText());
    assertTrue(root.get("measurement_uid").asText().matches("\\d{14}\\.\\d{6}_KZ_webconnectivity_[0-9a-f]{16}"),
        scenario + ": measurement_uid " + root.get("measurement_uid"));
    assertTrue(List.of("https", "http").contains(root.at("/test_helpers/backend/type").asText()),
        scenario + ": test_helpers.backend.type");
    assertTrue(root.at("/test_helpers/backend/address").isTextual(), scenario + ": test_helpers.backend.address");
    assertTrue(tk.get("x_control_request").isObject(), scenario + ": x_control_request");
    for (String k : List.of("engine_name", "engine_version", "architecture", "platform")) {
      assertTrue(root.path("annotations").path(k).isTextual(), scenario + ": annotations." + k);
    }
    noKuzetKeys(scenario, root);

    for (JsonNode q : tk.get("queries")) {
      assertTrue(q.get("transaction_id").isInt(), scenario + ": queries[].transaction_id " + q);
      tags(scenario, q);
      assertTrue(q.get("answers").isArray(), scenario + ": queries[].answers");
      assertTrue(q.get("engine").isTextual() && q.get("hostname").isTextual() && q.get("query_type").isTextual());
      assertTrue(q.get("t").isNumber() && q.get("t0").isNumber());
    }
    for (JsonNode c : tk.get("tcp_connect")) {
      assertTrue(c.get("ip").isTextual() && c.get("port").isInt(), scenario + ": tcp_connect " + c);
      assertTrue(c.get("status").get("success").isBoolean(), scenario + ": tcp_connect.status.success");
      assertTrue(c.get("transaction_id").isInt(), scenario + ": tcp_connect[].transaction_id");
      tags(scenario, c);
    }
    for (JsonNode h : tk.get("tls_handshakes")) {
      assertTrue(h.get("address").isTextual() && h.get("peer_certificates").isArray(), scenario + ": " + h);
      JsonNode connect = connectOf(tk, h.get("transaction_id"));
      assertTrue(connect != null, scenario + ": a TLS handshake without its tcp_connect: " + h);
      assertEquals(endpoint(connect), h.get("address").asText(), scenario + ": TLS handshake address");
      tags(scenario, h);
    }
    int hops = 0;
    for (JsonNode r : tk.get("requests")) {
      hops++;
      assertEquals("tcp", r.path("network").asText(), scenario + ": requests[].network");
      assertTrue(r.get("alpn").isTextual(), scenario + ": requests[].alpn");
      assertTrue(r.at("/request/url").isTextual() && r.at("/request/headers").isObject(), scenario + ": request");
      assertTrue(r.at("/response/code").isInt(), scenario + ": response.code is a number, 0 on failure");
      if (r.hasNonNull("failure") && r.at("/response/code").asInt() == 0) {
        assertTrue(r.at("/response/body").isNull() || r.at("/response/body").isTextual(), scenario);
      }
      JsonNode body = r.at("/response/body");
      assertTrue(body.isNull() || body.isTextual() || "base64".equals(body.path("format").asText()),
          scenario + ": body is text or OONI's binary object");
      JsonNode connect = connectOf(tk, r.get("transaction_id"));
      if (connect == null) {
        fail(scenario + ": request not joinable to a tcp_connect by transaction_id: " + r.get("transaction_id"));
      }
      assertEquals(endpoint(connect), r.get("address").asText(), scenario + ": the request's address");
      tags(scenario, r);
    }
    // df-008: every event names its operation and times; connection events join their endpoint's tcp_connect.
    for (JsonNode e : tk.get("network_events")) {
      assertTrue(e.get("operation").isTextual(), scenario + ": network_events[].operation " + e);
      assertTrue(e.get("t").isNumber() && e.get("t0").isNumber(), scenario + ": network_events[].t " + e);
      assertTrue(e.get("failure").isNull() || e.get("failure").isTextual(), scenario + ": network_events[].failure");
      assertTrue(e.get("num_bytes").isNull() || e.get("num_bytes").isIntegralNumber(), scenario + ": num_bytes");
      assertTrue(e.get("address").isTextual() && "tcp".equals(e.get("proto").asText()), scenario + ": " + e);
      JsonNode connect = connectOf(tk, e.get("transaction_id"));
      assertTrue(connect != null, scenario + ": a network event without its tcp_connect: " + e);
      assertEquals(endpoint(connect), e.get("address").asText(), scenario + ": the event's address");
      tags(scenario, e);
    }
    assertTrue(tk.get("network_events").size() <= org.kuzet.schema.Observations.MAX_NETWORK_EVENTS, scenario);
    if (tk.get("tcp_connect").size() > 0) {
      assertTrue(tk.get("network_events").size() > 0, scenario + ": connects were made, so events were recorded");
    }
    for (JsonNode r : tk.get("requests")) {
      boolean started = false;
      for (JsonNode e : tk.get("network_events")) {
        started |= "http_transaction_start".equals(e.get("operation").asText())
            && e.get("transaction_id").equals(r.get("transaction_id"));
      }
      assertTrue(started, scenario + ": no http_transaction_start for the request " + r.get("transaction_id"));
    }

    TestKeys k = m.testKeys();
    String lastFailure = k.requests().isEmpty() ? null : k.requests().get(k.requests().size() - 1).failure();
    assertEquals(lastFailure, tk.get("http_experiment_failure").isNull() ? null
        : tk.get("http_experiment_failure").asText(), scenario + ": http_experiment_failure");
    assertTrue(hops <= k.requests().size());

    // kuzet analyze reads its own OONI export back to the same verdict.
    // The reader marks bogons as the probe's address policy does: in this world 127.0.0.0/8 is the internet.
    var read = assertInstanceOf(OoniMeasurementReader.Read.class, OoniMeasurementReader.read(line,
        a -> !a.isLoopbackAddress() && Bogons.isBogon(a)), scenario);
    TestKeys again = Analysis.analyze(read.measurement().testKeys());
    assertEquals(k.xVerdict(), again.xVerdict(), scenario + ": the verdict of the OONI line read back");
    assertEquals(k.xSignals(), again.xSignals(), scenario + ": the signals of the OONI line read back");
    assertEquals(k.blocking(), again.blocking(), scenario + ": blocking of the OONI line read back");
    assertEquals(k.networkEvents(), read.measurement().testKeys().networkEvents(),
        scenario + ": the network events of the OONI line read back");
  }

  private static void tags(String scenario, JsonNode event) {
    JsonNode tags = event.get("tags");
    assertTrue(tags != null && tags.isArray(), scenario + ": tags " + event);
    boolean depth = false;
    for (JsonNode t : tags) {
      depth |= t.asText().matches("depth=\\d+");
    }
    assertTrue(depth, scenario + ": depth=N tag on " + event);
  }

  private static JsonNode connectOf(JsonNode tk, JsonNode id) {
    if (id == null || !id.isInt()) {
      return null;
    }
    for (JsonNode c : tk.get("tcp_connect")) {
      if (c.get("transaction_id").asInt() == id.asInt()) {
        return c;
      }
    }
    return null;
  }

  private static String endpoint(JsonNode connect) {
    return org.kuzet.schema.Endpoints.format(connect.get("ip").asText(), connect.get("port").asInt());
  }

  private static void noKuzetKeys(String scenario, JsonNode node) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        assertTrue(!OoniExport.KUZET_KEYS.contains(e.getKey()), scenario + ": kuzet's " + e.getKey() + " in OONI line");
        noKuzetKeys(scenario, e.getValue());
      });
    } else if (node.isArray()) {
      node.forEach(n -> noKuzetKeys(scenario, n));
    }
  }

  private static void types(String where, JsonNode object, Map<String, String> keys) {
    keys.forEach((key, type) -> {
      assertTrue(object.has(key), where + ": missing " + key);
      JsonNode v = object.get(key);
      boolean ok = false;
      for (String t : type.split("\\|")) {
        ok |= switch (t) {
          case "object" -> v.isObject();
          case "array" -> v.isArray();
          case "string" -> v.isTextual();
          case "number" -> v.isNumber();
          case "boolean" -> v.isBoolean();
          case "null" -> v.isNull();
          default -> throw new IllegalArgumentException(t);
        };
      }
      assertTrue(ok, where + ": " + key + " is " + v.getNodeType() + ", OONI writes " + type);
    });
  }
}
