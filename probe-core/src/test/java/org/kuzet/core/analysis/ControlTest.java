package org.kuzet.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlResponse;

/** The test helper's response as the analysis indexes it: OONI's shape, kuzet's optional extras, and gaps. */
class ControlTest {
  private static final ObjectMapper JSON = MeasurementJson.mapper();

  @Test
  void readsOonisShapeAndKuzetsExtras() throws Exception {
    Control c = Control.of(json("""
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
    assertEquals(List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"), c.dns().addrs());
    assertFalse(c.dns().failed());
    assertFalse(c.tcp().get("[2606:2800:220:1:248:1893:25c8:1946]:443").status());
    ControlResponse.TlsHandshakeResult tls = c.tls().get("93.184.216.34:443");
    assertEquals("abcd", tls.xLeafSpkiSha256(), "hashes compare in lower case");
    assertTrue(tls.valid());
    assertEquals("Accept-Encoding", c.http().headers().get("Vary"), "a list-valued header reads as its first value");
    assertEquals("ef01", c.http().xBodySha256());
    assertTrue(c.httpSucceeded());
    assertEquals(15133, c.asn("93.184.216.34"));
    assertTrue(c.validForDomain("93.184.216.34"));
    assertEquals(0, c.asn("1.1.1.1"));
  }

  @Test
  void oonisPublicHelperWithoutExtrasIsUsable() throws Exception {
    Control c = Control.of(json("""
        {"tls_handshake": {"1.2.3.4:443": {"server_name": "a.kz", "status": false,
                                            "failure": "ssl_unknown_authority"}},
         "http_request": {"body_length": -1, "failure": "ssl_unknown_authority", "title": "", "headers": {},
                          "status_code": -1}}
        """));
    ControlResponse.TlsHandshakeResult tls = c.tls().get("1.2.3.4:443");
    assertNull(tls.xLeafSpkiSha256());
    assertNull(tls.xChainValid());
    assertFalse(tls.valid(), "without x_chain_valid the handshake status speaks for the chain");
    assertFalse(c.httpSucceeded());
    assertNull(c.dns(), "no dns part: no DNS comparison");
  }

  @Test
  void addressesAndEndpointsAreComparedInOneSpelling() throws Exception {
    Control c = Control.of(json("""
        {"dns": {"failure": null, "addrs": ["2001:DB8:0:0::1"]},
         "tcp_connect": {"[2001:db8::1]:443": {"status": true, "failure": null}}}
        """));
    assertEquals(List.of(Control.normalizeIp("2001:db8::1")), c.dns().addrs());
    assertTrue(c.tcp().containsKey(Control.normalizeEndpoint("[2001:0db8::0001]:443")));
    assertEquals("odd-key", Control.normalizeEndpoint("odd-key"));
  }

  @Test
  void aNxdomainOfTheHelperIsAFailedLookup() throws Exception {
    Control c = Control.of(json("{\"dns\": {\"failure\": \"dns_name_error\", \"addrs\": []}}"));
    assertTrue(c.dns().failed());
    assertTrue(Control.of(json("{\"dns\": {\"failure\": null, \"addrs\": []}}")).dns().failed(),
        "an empty answer is a failure too");
  }

  /** The answer as every reader gets it: through the one model of the wire format. */
  private static ControlResponse json(String text) throws Exception {
    return JSON.readValue(text, ControlResponse.class);
  }
}
