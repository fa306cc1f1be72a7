package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading the test helper's response: OONI's shape, kuzet's optional extras, and gaps. */
class ControlTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsOonisShapeAndKuzetsExtras() throws Exception {
    Control c = Control.parse(json("""
        {"dns": {"failure": null, "addrs": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]},
         "tcp_connect": {"93.184.216.34:443": {"status": true, "failure": null},
                         "[2606:2800:220:1:248:1893:25c8:1946]:443": {"status": false, "failure": "connection_refused"}},
         "tls_handshake": {"93.184.216.34:443": {"server_name": "example.com", "status": true, "failure": null,
                           "x_leaf_spki_sha256": "ABCD", "x_leaf_issuer": "CN=R3", "x_chain_valid": true}},
         "http_request": {"body_length": 1256, "failure": null, "title": "Example Domain",
                          "headers": {"Server": "ECS", "Vary": ["Accept-Encoding", "x"]}, "status_code": 200,
                          "x_body_sha256": "EF01"},
         "ip_info": {"93.184.216.34": {"asn": 15133, "flags": 11}}}
        """));
    assertEquals(Set.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"), c.dns().addrs());
    assertFalse(c.dns().failed());
    assertFalse(c.tcp().get("[2606:2800:220:1:248:1893:25c8:1946]:443").status());
    Control.Tls tls = c.tls().get("93.184.216.34:443");
    assertEquals("abcd", tls.leafSpkiSha256(), "hashes compare in lower case");
    assertTrue(tls.valid());
    assertEquals("Accept-Encoding", c.http().headers().get("Vary"), "a list-valued header reads as its first value");
    assertEquals("ef01", c.http().bodySha256());
    assertTrue(c.httpSucceeded());
    assertEquals(15133, c.asn("93.184.216.34"));
    assertTrue(c.validForDomain("93.184.216.34"));
    assertEquals(0, c.asn("1.1.1.1"));
  }

  @Test
  void oonisPublicHelperWithoutExtrasIsUsable() throws Exception {
    Control c = Control.parse(json("""
        {"tls_handshake": {"1.2.3.4:443": {"server_name": "a.kz", "status": false,
                                            "failure": "ssl_unknown_authority"}},
         "http_request": {"body_length": -1, "failure": "ssl_unknown_authority", "title": "", "headers": {},
                          "status_code": -1}}
        """));
    Control.Tls tls = c.tls().get("1.2.3.4:443");
    assertNull(tls.leafSpkiSha256());
    assertNull(tls.chainValid());
    assertFalse(tls.valid(), "without x_chain_valid the handshake status speaks for the chain");
    assertFalse(c.httpSucceeded());
    assertNull(c.dns(), "no dns part: no DNS comparison");
  }

  @Test
  void addressesAndEndpointsAreComparedInOneSpelling() throws Exception {
    Control c = Control.parse(json("""
        {"dns": {"failure": null, "addrs": ["2001:DB8:0:0::1"]},
         "tcp_connect": {"[2001:db8::1]:443": {"status": true, "failure": null}}}
        """));
    assertEquals(Set.of(Control.normalizeIp("2001:db8::1")), c.dns().addrs());
    assertTrue(c.tcp().containsKey(Control.normalizeEndpoint("[2001:0db8::0001]:443")));
    assertEquals("odd-key", Control.normalizeEndpoint("odd-key"));
  }

  @Test
  void aNxdomainOfTheHelperIsAFailedLookup() throws Exception {
    Control c = Control.parse(json("{\"dns\": {\"failure\": \"dns_name_error\", \"addrs\": []}}"));
    assertTrue(c.dns().failed());
    assertTrue(Control.parse(json("{\"dns\": {\"failure\": null, \"addrs\": []}}")).dns().failed(),
        "an empty answer is a failure too");
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
