package org.kuzet.backend.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlRequest;

/** Issue 15, point 15: headers a probe asks the helper to forward must be valid HTTP fields, or 400 says why. */
class ForwardedHeadersTest {
  private final FakeDnsServer dns = new FakeDnsServer();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  private TestHelperServer helper;
  private String url;

  @BeforeEach
  void start() throws Exception {
    helper = TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
        .resolver(dns.address()).allowPrivate(true).build());
    InetAddress ip = LoopbackAddresses.next();
    url = "http://" + ip.getHostAddress() + ":" + LoopbackAddresses.closedPort(ip) + "/";
  }

  @AfterEach
  void stop() {
    helper.close();
    dns.close();
  }

  private HttpResponse<String> ask(Map<String, List<String>> headers) throws Exception {
    byte[] body = MeasurementJson.mapper().writeValueAsBytes(new ControlRequest(url, headers, List.of()));
    return http.send(HttpRequest.newBuilder(URI.create(helper.url())).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertRefused(Map<String, List<String>> headers, String... reasonParts) throws Exception {
    HttpResponse<String> r = ask(headers);
    assertEquals(400, r.statusCode(), r.body());
    JsonNode error = MeasurementJson.mapper().readTree(r.body()).get("error");
    for (String part : reasonParts) {
      assertTrue(error.asText().contains(part), error.toString());
    }
  }

  @Test
  void lineBreaksInAValueAre400() throws Exception {
    assertRefused(Map.of("User-Agent", List.of("Mozilla/5.0\r\nX-Injected: 1")), "User-Agent", "carriage return");
    assertRefused(Map.of("Accept", List.of("text/html\nX-Injected: 1")), "Accept", "line feed");
  }

  @Test
  void aNulInAValueIs400() throws Exception {
    assertRefused(Map.of("Accept-Language", List.of("en\u0000")), "Accept-Language", "NUL");
  }

  @Test
  void nonAsciiInAValueIs400() throws Exception {
    assertRefused(Map.of("User-Agent", List.of("Mozilla/5.0 Қазақ")), "User-Agent", "non-ASCII", "U+049A");
  }

  @Test
  void badHeaderNamesAre400() throws Exception {
    assertRefused(Map.of("User Agent", List.of("x")), "header name", "' '");
    assertRefused(Map.of("User-Agent:", List.of("x")), "header name", "':'");
    assertRefused(Map.of("Аccept", List.of("x")), "header name", "non-ASCII"); // a Cyrillic А
    assertRefused(Map.of("", List.of("x")), "empty header name");
  }

  @Test
  void ordinaryHeadersAreMeasured() throws Exception {
    HttpResponse<String> r = ask(Map.of("User-Agent", List.of("Mozilla/5.0 (X11; Linux x86_64)\tkuzet"),
        "Accept", List.of("text/html,*/*;q=0.8"), "X-Unused", List.of("")));
    assertEquals(200, r.statusCode(), r.body());
  }
}
