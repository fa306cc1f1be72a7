package org.kuzet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.control.ControlRequest;

class OoniExportTest {

  /** Every x_ key kuzet's JSON Schema declares is either kuzet's own (removed) or OONI's (kept): none is forgotten. */
  @Test
  void everyExtensionKeyOfTheSchemaIsClassified() throws Exception {
    JsonNode schema;
    try (InputStream in = MeasurementJson.class.getResourceAsStream("measurement.schema.json")) {
      schema = MeasurementJson.mapper().readTree(in);
    }
    Set<String> found = new TreeSet<>();
    collectKeys(schema, found);
    Set<String> unclassified = new TreeSet<>(found);
    unclassified.removeAll(OoniExport.KUZET_KEYS);
    unclassified.removeAll(OoniExport.OONI_KEYS);
    assertEquals(Set.of(), unclassified, "x_ keys neither kuzet's nor OONI's");
    Set<String> both = new HashSet<>(OoniExport.KUZET_KEYS);
    both.retainAll(OoniExport.OONI_KEYS);
    assertEquals(Set.of(), both);
  }

  private static void collectKeys(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("properties")) {
          e.getValue().fieldNames().forEachRemaining(k -> {
            if (k.startsWith("x_")) {
              out.add(k);
            }
          });
        }
        collectKeys(e.getValue(), out);
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectKeys(n, out));
    }
  }

  @Test
  void removesKuzetsKeysAndKeepsOonis() throws Exception {
    Measurement m = MeasurementJsonTest.sample();
    ControlRequest sent = new ControlRequest("https://holanews.kz/", null, null);
    JsonNode request = MeasurementJson.mapper().valueToTree(sent);
    Measurement withControl = m.withTestKeys(m.testKeys().withControlRequest(sent));
    JsonNode ooni = OoniExport.tree(MeasurementJson.toLine(withControl));
    List<String> keys = new ArrayList<>();
    collectAllKeys(ooni, keys);
    for (String k : keys) {
      assertFalse(OoniExport.KUZET_KEYS.contains(k), k);
    }
    assertEquals(request, ooni.path("test_keys").path("x_control_request"));
    assertEquals("tcp", ooni.at("/test_keys/requests/0/request/x_transport").asText(), "OONI's request.x_transport");
    assertEquals("93.184.216.34", ooni.at("/test_keys/x_dns_duplicate_responses/0/answers/0/ipv4").asText(),
        "kuzet's further replies under OONI LTE's name");
    assertEquals("127.0.0.1", ooni.path("probe_ip").asText());
    assertTrue(ooni.path("test_helpers").isObject());
    assertEquals("kuzet", ooni.at("/annotations/engine_name").asText());
  }

  /** A late reply is a lookup result of its own in OONI's list: the query's id and start, its own arrival time. */
  @Test
  void aLateReplyKeepsItsArrivalTime() throws Exception {
    Measurement m = MeasurementJsonTest.sample();
    DnsQuery q = m.testKeys().queries().get(0).numbered(7, List.of("classic"));
    DnsQuery late = new DnsQuery(q.engine(), q.resolverAddress(), q.hostname(), q.queryType(), q.rcode(),
        q.answers(), q.failure(), q.transactionId(), 0.25, 0.5, List.of(), q.xDohTls(), q.tags())
        .withLateReplies(List.of(List.of(DnsAnswer.a("93.184.216.34", 300, false))), List.of(1.75));
    ObjectNode line = (ObjectNode) MeasurementJson.mapper().readTree(MeasurementJson.toLine(m));
    ((com.fasterxml.jackson.databind.node.ArrayNode) line.at("/test_keys/queries"))
        .set(0, MeasurementJson.mapper().valueToTree(late));
    assertEquals(1.75, line.at("/test_keys/queries/0/x_extra_replies_t/0").asDouble(), "stored with the query");
    JsonNode d = OoniExport.tree(MeasurementJson.mapper().writeValueAsString(line))
        .at("/test_keys/x_dns_duplicate_responses/0");
    assertEquals("93.184.216.34", d.at("/answers/0/ipv4").asText());
    assertEquals(7, d.path("transaction_id").asInt());
    assertEquals(0.25, d.path("t0").asDouble());
    assertEquals(1.75, d.path("t").asDouble(), "when it arrived, after the query's own end");
  }

  private static void collectAllKeys(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        out.add(e.getKey());
        collectAllKeys(e.getValue(), out);
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectAllKeys(n, out));
    }
  }

  @Test
  void aRequestThatFailedHasCodeZeroAndTheFailureIsTheHttpExperimentFailure() {
    HttpTransaction sentAndReset = new HttpTransaction(
        new HttpTransaction.Request("GET", "http://a.kz/", Map.of(), "", "tcp"), null, Failures.CONNECTION_RESET,
        0.1, 0.2, "93.184.216.34:80", 0, "tcp", "", 3, List.of("depth=0", "fetch_body=true"));
    Measurement m = MeasurementJsonTest.sample();
    JsonNode ooni = OoniExport.tree(MeasurementJson.toLine(m.withTestKeys(TestKeys.observations(List.of(), List.of(),
        List.of(), List.of(sentAndReset), null))));
    assertEquals(0, ooni.at("/test_keys/requests/0/response/code").asInt());
    assertTrue(ooni.at("/test_keys/requests/0/response/code").isInt());
    assertEquals("connection_reset", ooni.at("/test_keys/http_experiment_failure").asText());
    assertEquals(3, ooni.at("/test_keys/requests/0/transaction_id").asInt());
    assertEquals("93.184.216.34:80", ooni.at("/test_keys/requests/0/address").asText());
  }

  @Test
  void aRequestNeverSentIsLeftOutAsOoniDoesAndItsFailureKept() {
    HttpTransaction notSent = new HttpTransaction(
        new HttpTransaction.Request("GET", "http://a.kz/", Map.of(), "", "tcp"), null, Failures.DNS_NXDOMAIN,
        0.1, 0.1, null, 0);
    Measurement m = MeasurementJsonTest.sample();
    JsonNode ooni = OoniExport.tree(MeasurementJson.toLine(m.withTestKeys(TestKeys.observations(List.of(), List.of(),
        List.of(), List.of(notSent), null))));
    assertEquals(0, ooni.at("/test_keys/requests").size());
    assertEquals("dns_nxdomain_error", ooni.at("/test_keys/http_experiment_failure").asText());
  }

  @Test
  void aLineWrittenBeforeKeepsItsAddressUnderOonisName() {
    String old = MeasurementJson.toLine(MeasurementJsonTest.sample()).replace("\"address\":\"93.184.216.34:443\",\"x_hop\"",
        "\"x_address\":\"93.184.216.34:443\",\"x_hop\"");
    assertTrue(old.contains("\"x_address\""), old);
    JsonNode ooni = OoniExport.tree(old);
    assertEquals("93.184.216.34:443", ooni.at("/test_keys/requests/0/address").asText());
    assertFalse(ooni.at("/test_keys/requests/0").has("x_address"));
  }
}
