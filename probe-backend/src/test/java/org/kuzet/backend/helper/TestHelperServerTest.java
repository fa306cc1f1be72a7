package org.kuzet.backend.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.backend.tls.ServerTls;
import org.kuzet.core.control.ControlClient;
import org.kuzet.core.testing.FakeDnsServer;
import org.kuzet.core.testing.FaultServer;
import org.kuzet.core.testing.LoopbackAddresses;
import org.kuzet.core.testing.TestPki;
import org.kuzet.core.testing.TlsSites;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.control.ControlRequest;
import org.kuzet.schema.control.ControlResponse.IpInfo;

class TestHelperServerTest {
  private static final MediaType JSON = MediaType.get("application/json");

  private final TestPki pki = new TestPki();
  private final FakeDnsServer dns = new FakeDnsServer();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final OkHttpClient client = new OkHttpClient.Builder()
      .retryOnConnectionFailure(false)
      .readTimeout(Duration.ofSeconds(60))
      .callTimeout(Duration.ofSeconds(60))
      .build();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
    client.dispatcher().executorService().shutdownNow();
    client.connectionPool().evictAll();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(0, c);
    return c;
  }

  private TestHelperServer.Builder helperConfig() {
    return TestHelperServer.builder(new InetSocketAddress(LoopbackAddresses.next(), 0))
        .resolver(dns.address())
        .trustRoots(TrustRoots.of(List.of(pki.rootCertificate())))
        .dnsTimeout(Duration.ofSeconds(5))
        .connectTimeout(Duration.ofSeconds(5))
        .tlsTimeout(Duration.ofSeconds(5))
        .httpTimeout(Duration.ofSeconds(10));
  }

  private TestHelperServer helper(TestHelperServer.Builder config) throws IOException {
    return closeLater(TestHelperServer.start(config.build()));
  }

  private TestHelperServer testNetworkHelper() throws IOException {
    return helper(helperConfig().allowPrivate(true));
  }

  private record Answer(int code, JsonNode body, Response raw) {}

  private Answer post(TestHelperServer helper, String body) throws IOException {
    Request request = new Request.Builder().url(helper.url()).post(RequestBody.create(body, JSON)).build();
    try (Response r = client.newCall(request).execute()) {
      return new Answer(r.code(), MeasurementJson.mapper().readTree(r.body().string()), r);
    }
  }

  private Answer ask(TestHelperServer helper, String url, String... endpoints) throws IOException {
    ControlRequest req = new ControlRequest(url, Map.of("User-Agent", List.of("kuzet-test")), List.of(endpoints));
    return post(helper, MeasurementJson.mapper().writeValueAsString(req));
  }

  private static String ip(MockWebServer site) {
    return site.getSocketAddress().getAddress().getHostAddress();
  }

  private static String endpoint(MockWebServer site) {
    return ip(site) + ":" + site.getPort();
  }

  @Test
  void measuresAValidHttpsSiteLikeOonisHelper() throws Exception {
    HeldCertificate leaf = pki.issue("open.kz");
    MockWebServer site = closeLater(TlsSites.https(pki.serve(leaf)));
    site.enqueue(new MockResponse.Builder().addHeader("content-type", "text/html; charset=utf-8")
        .addHeader("x-served-by", "kz1").body("<html><title>Open  news</title>hello</html>").build());
    dns.answer("open.kz", ip(site));

    Answer a = ask(testNetworkHelper(), TlsSites.httpsUrl(site, "open.kz", "/").toString(), endpoint(site));

    assertEquals(200, a.code());
    JsonNode r = a.body();
    assertTrue(r.at("/dns/failure").isNull());
    assertEquals(ip(site), r.at("/dns/addrs/0").asText());
    JsonNode tcp = r.get("tcp_connect").get(endpoint(site));
    assertTrue(tcp.get("status").asBoolean());
    assertTrue(tcp.get("failure").isNull());
    JsonNode tls = r.get("tls_handshake").get(endpoint(site));
    assertEquals("open.kz", tls.get("server_name").asText());
    assertTrue(tls.get("status").asBoolean(), tls.toString());
    assertTrue(tls.get("x_chain_valid").asBoolean());
    String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(leaf.certificate().getPublicKey().getEncoded()));
    assertEquals(spki, tls.get("x_leaf_spki_sha256").asText());
    assertEquals("CN=" + TestPki.ROOT_NAME, tls.get("x_leaf_issuer").asText());
    JsonNode http = r.get("http_request");
    assertEquals(200, http.get("status_code").asInt());
    assertTrue(http.get("failure").isNull());
    assertEquals("Open news", http.get("title").asText());
    byte[] body = "<html><title>Open  news</title>hello</html>".getBytes(StandardCharsets.UTF_8);
    assertEquals(body.length, http.get("body_length").asInt());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)),
        http.get("x_body_sha256").asText());
    assertEquals("text/html; charset=utf-8", http.at("/headers/Content-Type").asText());
    assertEquals("kz1", http.at("/headers/X-Served-By").asText());
    assertEquals("kuzet-test", site.takeRequest().getHeaders().get("User-Agent"));
    long flags = r.at("/ip_info/" + ip(site) + "/flags").asLong();
    assertEquals(IpInfo.FLAG_RESOLVED_BY_PROBE | IpInfo.FLAG_RESOLVED_BY_TH | IpInfo.FLAG_BOGON
        | IpInfo.FLAG_VALID_FOR_DOMAIN, flags);
    assertEquals(0, r.at("/ip_info/" + ip(site) + "/asn").asInt());
  }

  @Test
  void ipInfoCarriesTheAsNumberFromTheIpTable() throws Exception {
    MockWebServer site = closeLater(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("<title>Hi</title>").build());
    dns.answer("asn.kz", ip(site));
    org.kuzet.core.identity.IpDatabase table = org.kuzet.core.identity.IpDatabase.load(
        new java.io.ByteArrayInputStream(org.kuzet.core.identity.IpDatabaseWriter.fromCsv(
            "127.0.0.0,127.255.255.255,64500,Loopback Test AS\n", "127.0.0.0,127.255.255.255,KZ\n", "test")));

    Answer a = ask(helper(helperConfig().allowPrivate(true).ipDatabase(table)),
        TlsSites.httpUrl(site, "asn.kz", "/").toString(), endpoint(site));

    assertEquals(200, a.code());
    assertEquals(64500, a.body().at("/ip_info/" + ip(site) + "/asn").asLong(), a.body().toString());
  }

  @Test
  void followsRedirectsAndReportsTheFinalPage() throws Exception {
    MockWebServer site = closeLater(TlsSites.http());
    dns.answer("moved.kz", ip(site)).answer("www.moved.kz", ip(site));
    site.enqueue(new MockResponse.Builder().code(302)
        .addHeader("Location", TlsSites.httpUrl(site, "www.moved.kz", "/home").toString())
        .addHeader("Set-Cookie", "session=1; Domain=moved.kz; Path=/").build());
    site.enqueue(new MockResponse.Builder().body("<title>Home</title>").build());

    JsonNode http = ask(testNetworkHelper(), TlsSites.httpUrl(site, "moved.kz", "/").toString()).body()
        .get("http_request");

    assertEquals(200, http.get("status_code").asInt());
    assertEquals("Home", http.get("title").asText());
    site.takeRequest();
    assertEquals("session=1", site.takeRequest().getHeaders().get("Cookie"), "cookies kept across the redirect");
  }

  @Test
  void connectsToTheProbesEndpointsAndItsOwn() throws Exception {
    MockWebServer real = closeLater(TlsSites.https(pki.serverCertificate("lied.kz")));
    MockWebServer blockpage = closeLater(TlsSites.https(pki.wrongHost("lied.kz")));
    real.enqueue(new MockResponse.Builder().body("<title>Real</title>").build());
    dns.answer("lied.kz", ip(real));

    // The probe's resolver lied: it sent the blockpage's endpoint (in this test world, on another port).
    String probeEndpoint = ip(blockpage) + ":" + blockpage.getPort();
    JsonNode r = ask(testNetworkHelper(), TlsSites.httpsUrl(real, "lied.kz", "/").toString(), probeEndpoint).body();

    assertTrue(r.get("tcp_connect").get(endpoint(real)).get("status").asBoolean());
    assertTrue(r.get("tcp_connect").get(probeEndpoint).get("status").asBoolean());
    assertEquals("ssl_invalid_hostname", r.get("tls_handshake").get(probeEndpoint).get("failure").asText());
    assertEquals(IpInfo.FLAG_RESOLVED_BY_PROBE | IpInfo.FLAG_BOGON,
        r.at("/ip_info/" + ip(blockpage) + "/flags").asLong());
    assertEquals(IpInfo.FLAG_RESOLVED_BY_TH | IpInfo.FLAG_BOGON | IpInfo.FLAG_VALID_FOR_DOMAIN,
        r.at("/ip_info/" + ip(real) + "/flags").asLong());
    assertEquals("Real", r.at("/http_request/title").asText(), "the helper fetches via its own DNS");
  }

  @Test
  void untrustedCertificateIsRecordedWithItsLeaf() throws Exception {
    HandshakeCertificates untrusted = pki.untrusted("odd.kz");
    MockWebServer site = closeLater(TlsSites.https(untrusted));
    dns.answer("odd.kz", ip(site));

    JsonNode r = ask(testNetworkHelper(), TlsSites.httpsUrl(site, "odd.kz", "/").toString()).body();

    JsonNode tls = r.get("tls_handshake").get(endpoint(site));
    assertFalse(tls.get("status").asBoolean());
    assertEquals("ssl_unknown_authority", tls.get("failure").asText());
    assertFalse(tls.get("x_chain_valid").asBoolean());
    assertEquals("CN=kuzet untrusted root", tls.get("x_leaf_issuer").asText());
    assertEquals(64, tls.get("x_leaf_spki_sha256").asText().length());
    assertEquals(0, r.at("/ip_info/" + ip(site) + "/flags").asLong() & IpInfo.FLAG_VALID_FOR_DOMAIN,
        "an untrusted handshake does not make the address valid for the domain");
    assertEquals("unknown_error", r.at("/http_request/failure").asText());
    assertEquals("ssl_unknown_authority", r.at("/http_request/x_failure").asText());
  }

  @Test
  void refusedConnectionUsesTheLegacyStrings() throws Exception {
    InetAddress ip = LoopbackAddresses.next();
    int port = LoopbackAddresses.closedPort(ip);
    dns.answer("down.kz", ip.getHostAddress());
    String ep = ip.getHostAddress() + ":" + port;

    JsonNode r = ask(testNetworkHelper(), "http://down.kz:" + port + "/", ep).body();

    JsonNode tcp = r.get("tcp_connect").get(ep);
    assertFalse(tcp.get("status").asBoolean());
    assertEquals("connection_refused_error", tcp.get("failure").asText());
    assertEquals("connection_refused", tcp.get("x_failure").asText());
    JsonNode http = r.get("http_request");
    assertEquals("connection_refused_error", http.get("failure").asText());
    assertEquals(-1, http.get("status_code").asInt());
    assertEquals(-1, http.get("body_length").asInt());
    assertEquals("", http.get("title").asText());
  }

  @Test
  void nxdomainFromTheHelpersResolver() throws Exception {
    dns.nxdomain("gone.kz");

    JsonNode r = ask(testNetworkHelper(), "https://gone.kz/").body();

    assertEquals("dns_name_error", r.at("/dns/failure").asText());
    assertEquals(0, r.at("/dns/addrs").size());
    assertEquals(0, r.get("tcp_connect").size());
    assertEquals("dns_lookup_error", r.at("/http_request/failure").asText());
  }

  @Test
  void servfailIsAServerFailure() throws Exception {
    dns.servfail("broken.kz");
    assertEquals("dns_server_failure", ask(testNetworkHelper(), "https://broken.kz/").body().at("/dns/failure")
        .asText());
  }

  @Test
  void refusesPrivateAddressesUnlessAllowed() throws Exception {
    MockWebServer site = closeLater(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("internal admin page").build());
    dns.answer("intranet.kz", ip(site));
    TestHelperServer publicHelper = helper(helperConfig());

    JsonNode byName = ask(publicHelper, TlsSites.httpUrl(site, "intranet.kz", "/").toString(), endpoint(site))
        .body();
    JsonNode byIp = ask(publicHelper, "http://" + endpoint(site) + "/admin").body();

    for (JsonNode r : List.of(byName, byIp)) {
      assertEquals("dns_bogon_error", r.at("/http_request/failure").asText(), r.toString());
      assertEquals(-1, r.at("/http_request/status_code").asInt());
      assertEquals(0, r.get("tcp_connect").size(), "bogon endpoints are not connected to");
    }
    assertTrue((byName.at("/ip_info/" + ip(site) + "/flags").asLong() & IpInfo.FLAG_BOGON) != 0);
    assertEquals(0, site.getRequestCount(), "nothing was fetched from the private address");
  }

  @Test
  void redirectToAPrivateAddressIsRefused() throws Exception {
    MockWebServer site = closeLater(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("secret").build());
    // The "public" site that redirects is reached by IP literal; only the guard's decision matters here.
    try (MockWebServer redirector = TlsSites.http()) {
      redirector.enqueue(new MockResponse.Builder().code(302)
          .addHeader("Location", "http://" + endpoint(site) + "/").build());
      TestHelperServer publicHelper = helper(helperConfig());
      JsonNode r = ask(publicHelper, "http://" + endpoint(redirector) + "/").body();
      assertEquals("dns_bogon_error", r.at("/http_request/failure").asText());
      assertEquals(0, site.getRequestCount());
    }
  }

  @Test
  void badRequestsGet400WithAReason() throws Exception {
    TestHelperServer helper = testNetworkHelper();
    Answer notJson = post(helper, "{\"http_request\": ");
    assertEquals(400, notJson.code());
    assertTrue(notJson.body().get("error").asText().startsWith("malformed JSON"), notJson.body().toString());

    Answer ftp = post(helper, "{\"http_request\":\"ftp://files.kz/\",\"tcp_connect\":[]}");
    assertEquals(400, ftp.code());
    assertTrue(ftp.body().get("error").asText().contains("ftp://files.kz/"), ftp.body().toString());

    Answer noUrl = post(helper, "{\"tcp_connect\":[]}");
    assertEquals(400, noUrl.code());
    assertTrue(noUrl.body().get("error").asText().contains("http_request"), noUrl.body().toString());

    Answer badEndpoint = post(helper, "{\"http_request\":\"http://a.kz/\",\"tcp_connect\":[\"1.2.3.4:443\",\"a.kz\"]}");
    assertEquals(400, badEndpoint.code());
    assertTrue(badEndpoint.body().get("error").asText().startsWith("tcp_connect[1]"), badEndpoint.body().toString());
  }

  @Test
  void onlyPostIsAllowed() throws Exception {
    TestHelperServer helper = testNetworkHelper();
    try (Response r = client.newCall(new Request.Builder().url(helper.url()).build()).execute()) {
      assertEquals(405, r.code());
      assertEquals("POST", r.header("Allow"));
    }
  }

  @Test
  void oversizedRequestGets413() throws Exception {
    TestHelperServer helper = helper(helperConfig().allowPrivate(true).maxRequestBytes(1024));
    String big = "{\"http_request\":\"http://a.kz/\",\"pad\":\"" + "x".repeat(4096) + "\"}";
    Answer a = post(helper, big);
    assertEquals(413, a.code());
    assertTrue(a.body().get("error").asText().contains("1024"), a.body().toString());
  }

  @Test
  void beyondTheInflightBoundGets503() throws Exception {
    FaultServer stalled = closeLater(new FaultServer().start(FaultServer.Fault.HOLD));
    String stalledIp = stalled.address().getAddress().getHostAddress();
    dns.answer("slow.kz", stalledIp);
    TestHelperServer helper = helper(helperConfig().allowPrivate(true).maxInflight(1)
        .httpTimeout(Duration.ofSeconds(60)));

    CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> {
      try {
        return ask(helper, "http://slow.kz:" + stalled.port() + "/");
      } catch (IOException e) {
        return null; // the helper is closed under it at the end of the test
      }
    });
    awaitAccepted(stalled);

    Answer second = ask(helper, "http://slow.kz:" + stalled.port() + "/");
    assertEquals(503, second.code());
    assertNotNull(second.raw().header("Retry-After"));
    assertTrue(second.body().get("error").asText().contains("1 control requests already in flight"));
    assertFalse(first.isDone());
  }

  /** Waits (not a timing assertion) until the stalled upstream has a connection, i.e. request one holds the bound. */
  private static void awaitAccepted(FaultServer server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.acceptCount() == 0) {
      if (System.nanoTime() > deadline) {
        fail("the helper never connected to the stalled upstream");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void servesHttpsFromPemFilesAndTheProbesClientUsesIt(@TempDir Path dir) throws Exception {
    InetAddress listen = LoopbackAddresses.next();
    HeldCertificate cert = pki.issue(listen.getHostAddress());
    Path certFile = Files.writeString(dir.resolve("cert.pem"), cert.certificatePem() + pki.rootPem());
    Path keyFile = Files.writeString(dir.resolve("key.pem"), cert.privateKeyPkcs8Pem());
    MockWebServer site = closeLater(TlsSites.http());
    site.enqueue(new MockResponse.Builder().body("<title>ok</title>").build());
    dns.answer("site.kz", ip(site));
    // Listens on the IP the certificate names, so the probe's client verifies it like any site.
    TestHelperServer helper = closeLater(TestHelperServer.start(TestHelperServer.builder(new InetSocketAddress(listen, 0))
        .resolver(dns.address()).trustRoots(TrustRoots.of(List.of(pki.rootCertificate()))).allowPrivate(true)
        .tls(ServerTls.fromPem(certFile, keyFile)).build()));
    assertTrue(helper.url().startsWith("https://" + listen.getHostAddress()));

    InetAddress deadIp = LoopbackAddresses.next();
    String dead = "http://" + deadIp.getHostAddress() + ":" + LoopbackAddresses.closedPort(deadIp) + "/";
    OkHttpClient base = new OkHttpClient();
    try {
      ControlClient probe = new ControlClient(List.of(dead, helper.url()), Duration.ofSeconds(30),
          TrustRoots.of(List.of(pki.rootCertificate())), base);
      ControlClient.Outcome outcome = probe.query(new ControlRequest(
          TlsSites.httpUrl(site, "site.kz", "/").toString(), Map.of(), List.of(endpoint(site))));
      assertNull(outcome.failure());
      assertEquals(helper.url(), outcome.url());
      assertEquals("ok", outcome.response().httpRequest().title());
      assertTrue(outcome.response().tcpConnect().get(endpoint(site)).status());
    } finally {
      base.dispatcher().executorService().shutdownNow();
      base.connectionPool().evictAll();
    }
  }

}
