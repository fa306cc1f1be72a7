package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.measurement;
import static org.kuzet.core.testing.TestUploads.signed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The collector takes only measurements of the export schema, with addresses only in the measured endpoints'
 * fields; every other item of the batch is still taken, and each refused one gets its reason.
 */
class MeasurementContentTest {
  @TempDir Path dir;
  private SqliteCollectorStore store;
  private CollectorServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    store = SqliteCollectorStore.open(dir.resolve("collector.db"));
    server = CollectorServer.builder(store).start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  private List<ItemResult> upload(byte[] body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uploadUri())
        .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(body))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results();
  }

  private static ObjectNode keys(ObjectNode m) {
    return (ObjectNode) m.get("test_keys");
  }

  @Test
  void eachItemIsCheckedAgainstTheSchemaAndForAddressesOutsideTheMeasuredEndpoints() throws Exception {
    ObjectNode endpoints = measurement("endpoints");
    keys(endpoints).putArray("queries").addObject().put("engine", "system").put("resolver_address", "192.0.2.53:53")
        .put("hostname", "holanews.kz").put("query_type", "A").putNull("failure").put("t0", 0).put("t", 0.1)
        .putArray("answers").addObject().put("answer_type", "A").put("ipv4", "93.184.216.34").put("ttl", 60);
    keys(endpoints).putObject("control").putObject("tcp_connect").putObject("93.184.216.34:443")
        .put("status", true).put("client_address", "203.0.113.9");
    keys(endpoints).putArray("network_events").addObject().put("operation", "connect")
        .put("address", "93.184.216.34:443").put("proto", "tcp").putNull("failure").put("t0", 0).put("t", 0.1);
    ObjectNode missing = measurement("missing");
    keys(missing).remove("requests");
    ObjectNode topLevel = measurement("top-level");
    topLevel.put("client_ip", "203.0.113.9");
    ObjectNode xField = measurement("x-field");
    keys(xField).put("x_client_ip", "203.0.113.9");
    ObjectNode nested = measurement("nested");
    keys(nested).putObject("x_debug").put("local_addr", "[2001:db8::9]:50123");
    ObjectNode annotation = measurement("annotation");
    annotation.putObject("annotations").put("network", "home 192.168.1.20");
    ObjectNode wrongPlace = measurement("wrong-place");
    ((ObjectNode) keys(wrongPlace).get("tcp_connect").get(0)).put("ip", "93.184.216.34");
    keys(wrongPlace).putArray("x_peer_ips").add("198.51.100.4");

    List<ItemResult> results = upload(batch(signed(endpoints), signed(missing), signed(topLevel), signed(xField),
        signed(nested), signed(annotation), signed(wrongPlace), signed("plain")));

    assertEquals(ItemResult.accepted("endpoints"), results.get(0), "addresses in the endpoints, the network events and the control");
    assertRejected(results.get(1), "missing", "not a measurement of the export schema: ");
    assertTrue(results.get(1).reason().contains("requests"), results.get(1).reason());
    assertRejected(results.get(2), "top-level", "not a measurement of the export schema: ");
    assertRejected(results.get(3), "x-field", "address 203.0.113.9 in test_keys.x_client_ip, a field that never"
        + " holds one");
    assertRejected(results.get(4), "nested", "address 2001:db8::9 in test_keys.x_debug.local_addr");
    assertRejected(results.get(5), "annotation", "address 192.168.1.20 in annotations.network");
    assertRejected(results.get(6), "wrong-place", "in test_keys.x_peer_ips");
    assertEquals(ItemResult.accepted("plain"), results.get(7));
    assertEquals(2, store.count());
  }

  @Test
  void addressShapesAndAddressNames() {
    assertEquals("10.1.2.3", MeasurementRules.address("from 10.1.2.3:443"));
    assertEquals("10.1.2.3", MeasurementRules.address("[::ffff:10.1.2.3]"), "found, in whatever form");
    assertEquals("2001:db8::9", MeasurementRules.address("x=2001:DB8::9;".toLowerCase(java.util.Locale.ROOT)));
    assertEquals("fe80::1", MeasurementRules.address("fe80::1%eth0"));
    for (String notAnAddress : new String[] {"0.1.0", "1.2.3.4.5", "300.1.1.1", "12:30:45", "AS9198", "ed25519:ab",
        "[scrubbed]"}) {
      assertNull(MeasurementRules.address(notAnAddress), notAnAddress);
    }
    for (String name : new String[] {"probe_ip", "client_ip", "x_client_ip", "ip", "addrs", "peer-address",
        "resolver_address", "x_local_ipv6", "IP"}) {
      assertTrue(MeasurementRules.namedLikeAnAddress(name), name);
    }
    for (String name : new String[] {"input", "description", "x_verdict", "zip", "shipping", "ipsum_text"}) {
      assertTrue(!MeasurementRules.namedLikeAnAddress(name), name);
    }
  }

  private static void assertRejected(ItemResult r, String uid, String reasonPart) {
    assertEquals(ItemStatus.REJECTED, r.status(), String.valueOf(r));
    assertEquals(uid, r.uid());
    assertTrue(r.reason().contains(reasonPart), r.reason());
  }
}
