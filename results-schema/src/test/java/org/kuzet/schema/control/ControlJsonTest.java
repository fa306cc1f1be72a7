package org.kuzet.schema.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlResponse.IpInfo;

class ControlJsonTest {
  private static final ObjectMapper JSON = MeasurementJson.mapper();

  /** Shaped like an answer from OONI's oohelperd (v3.2x), including a key kuzet does not model. */
  private static final String OONI_RESPONSE = """
      {
        "tcp_connect": {
          "93.184.216.34:443": {"status": true, "failure": null},
          "[2606:2800:220:1:248:1893:25c8:1946]:443": {"status": false, "failure": "connect_error"}
        },
        "tls_handshake": {
          "93.184.216.34:443": {"server_name": "example.kz", "status": true, "failure": null}
        },
        "quic_handshake": {},
        "http_request": {
          "body_length": 1256,
          "failure": null,
          "title": "Example Domain",
          "headers": {"Content-Type": "text/html; charset=UTF-8", "Server": "ECS (dcb/7EA3)"},
          "status_code": 200
        },
        "dns": {"failure": null, "addrs": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]},
        "ip_info": {
          "93.184.216.34": {"asn": 15133, "flags": 11},
          "2606:2800:220:1:248:1893:25c8:1946": {"asn": 15133, "flags": 2}
        }
      }
      """;

  @Test
  void readsOonisHelperAnswer() throws Exception {
    ControlResponse r = JSON.readValue(OONI_RESPONSE, ControlResponse.class);
    assertTrue(r.tcpConnect().get("93.184.216.34:443").status());
    assertEquals("connect_error", r.tcpConnect().get("[2606:2800:220:1:248:1893:25c8:1946]:443").failure());
    assertEquals("example.kz", r.tlsHandshake().get("93.184.216.34:443").serverName());
    assertNull(r.tlsHandshake().get("93.184.216.34:443").xLeafSpkiSha256(), "OONI sends no x_ extras");
    assertEquals(1256, r.httpRequest().bodyLength());
    assertEquals(200, r.httpRequest().statusCode());
    assertEquals("Example Domain", r.httpRequest().title());
    assertEquals(List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"), r.dns().addrs());
    IpInfo info = r.ipInfo().get("93.184.216.34");
    assertEquals(15133, info.asn());
    assertTrue(info.has(IpInfo.FLAG_RESOLVED_BY_PROBE));
    assertTrue(info.has(IpInfo.FLAG_RESOLVED_BY_TH));
    assertFalse(info.has(IpInfo.FLAG_BOGON));
    assertTrue(info.has(IpInfo.FLAG_VALID_FOR_DOMAIN));
  }

  @Test
  void writesExactlyOonisKeysBack() throws Exception {
    ControlResponse r = JSON.readValue(OONI_RESPONSE, ControlResponse.class);
    JsonNode expected = JSON.readTree(OONI_RESPONSE);
    ((ObjectNode) expected).remove("quic_handshake");
    JsonNode written = JSON.readTree(JSON.writeValueAsString(r));
    assertEquals(expected, written);
    // Go writes a nil *string as null rather than leaving the key out; readers rely on the key being there.
    assertTrue(written.at("/tcp_connect/93.184.216.34:443").has("failure"));
    assertTrue(written.at("/dns").has("failure"));
  }

  @Test
  void kuzetExtrasRoundTripUnderXKeys() throws Exception {
    ControlResponse r = new ControlResponse(
        Map.of("10.1.1.1:443", new ControlResponse.TcpConnectResult(false, "connect_error", "connection_reset")),
        Map.of("93.184.216.34:443", new ControlResponse.TlsHandshakeResult("example.kz", false,
            "ssl_unknown_authority", "ab".repeat(32), "CN=Information Security Certification Authority,O=ISCA,C=KZ",
            false)),
        new ControlResponse.HttpRequestResult(3, null, "", Map.of("Server", "x"), 451, "cd".repeat(32), null),
        new ControlResponse.DnsResult(ControlResponse.DNS_NAME_ERROR, List.of()),
        Map.of("93.184.216.34", new IpInfo(0, IpInfo.FLAG_RESOLVED_BY_PROBE)));
    String line = JSON.writeValueAsString(r);
    JsonNode tree = JSON.readTree(line);
    JsonNode tls = tree.at("/tls_handshake/93.184.216.34:443");
    assertEquals("ab".repeat(32), tls.get("x_leaf_spki_sha256").asText());
    assertFalse(tls.get("x_chain_valid").asBoolean());
    assertEquals("connection_reset", tree.at("/tcp_connect/10.1.1.1:443/x_failure").asText());
    assertEquals("cd".repeat(32), tree.at("/http_request/x_body_sha256").asText());
    assertFalse(tree.at("/http_request").has("x_failure"), "absent extras are left out, not null");
    assertEquals("dns_name_error", tree.at("/dns/failure").asText());
    assertEquals(r, JSON.readValue(line, ControlResponse.class));
  }

  @Test
  void failedFetchLooksLikeOonis() throws Exception {
    JsonNode tree = JSON.valueToTree(ControlResponse.HttpRequestResult.failed("dns_lookup_error", null));
    assertEquals(-1, tree.get("body_length").asInt());
    assertEquals(-1, tree.get("status_code").asInt());
    assertEquals("", tree.get("title").asText());
    assertEquals(0, tree.get("headers").size());
  }

  @Test
  void requestUsesOonisKeys() throws Exception {
    ControlRequest req = new ControlRequest("https://example.kz/",
        Map.of("User-Agent", List.of("Mozilla/5.0")), List.of("93.184.216.34:443", "[2001:db8::1]:443"));
    JsonNode tree = JSON.readTree(JSON.writeValueAsString(req));
    assertEquals("https://example.kz/", tree.get("http_request").asText());
    assertEquals("Mozilla/5.0", tree.at("/http_request_headers/User-Agent/0").asText());
    assertEquals("[2001:db8::1]:443", tree.at("/tcp_connect/1").asText());
    assertEquals(3, tree.size());
    ControlRequest ooni = JSON.readValue(
        "{\"http_request\":\"http://a.kz/\",\"http_request_headers\":{},\"tcp_connect\":[],\"x_quic_enabled\":false}",
        ControlRequest.class);
    assertEquals("http://a.kz/", ooni.httpRequest());
  }

  @Test
  void requestWithoutUrlIsRejectedByName() {
    ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
        () -> JSON.readValue("{\"tcp_connect\":[]}", ControlRequest.class));
    assertTrue(e.getCause().getMessage().contains("http_request"), e.getCause().getMessage());
  }

  /** What the analysis needs of old OONI answers: missing parts absent, missing numbers -1, listed header values. */
  @Test
  void readsLenientlyWhatOldHelpersSent() throws Exception {
    ControlResponse r = JSON.readValue("{\"tcp_connect\":{\"1.2.3.4:80\":{\"status\":true}},"
        + "\"tls_handshake\":{\"1.2.3.4:443\":{\"server_name\":\"a.kz\",\"failure\":\"ssl_invalid_hostname\"}},"
        + "\"http_request\":{\"failure\":null,\"headers\":{\"Server\":[\"nginx\",\"x\"]}}}",
        ControlResponse.class);
    assertNull(r.dns(), "no dns part: absent, not an empty answer");
    assertEquals(-1, r.httpRequest().bodyLength());
    assertEquals(-1, r.httpRequest().statusCode());
    assertFalse(r.httpSucceeded());
    assertEquals("nginx", r.httpRequest().headers().get("Server"));
    assertFalse(r.tlsHandshake().get("1.2.3.4:443").status(), "no status: success exactly when no failure");
    assertFalse(r.tlsHandshake().get("1.2.3.4:443").valid());
    assertTrue(r.tcpConnect().get("1.2.3.4:80").status());
    JsonNode written = JSON.valueToTree(r);
    assertFalse(written.has("dns"), "an absent part stays out of the stored line");
    assertTrue(new ControlResponse.DnsResult("dns_nxdomain_error", List.of()).nxdomain());
    assertTrue(new ControlResponse.DnsResult(ControlResponse.DNS_NAME_ERROR, List.of()).nxdomain());
  }
}
