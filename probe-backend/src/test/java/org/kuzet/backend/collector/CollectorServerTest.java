package org.kuzet.backend.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kuzet.core.testing.TestUploads.batch;
import static org.kuzet.core.testing.TestUploads.gzip;
import static org.kuzet.core.testing.TestUploads.measurement;
import static org.kuzet.core.testing.TestUploads.signed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.core.testing.TestUploads;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ItemStatus;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

class CollectorServerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");

  @TempDir Path dir;
  private SqliteCollectorStore store;
  private CollectorServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    store = SqliteCollectorStore.open(dir.resolve("collector.db"));
    server = CollectorServer.builder(store).maxBodyBytes(64 * 1024).maxItems(50)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  private HttpResponse<String> post(byte[] body, boolean gzipped) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uploadUri())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (gzipped) {
      b.header("Content-Encoding", "gzip");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The per-item answer: 200, or 400 when every item was rejected (still with a reason each). */
  private List<ItemResult> results(HttpResponse<String> r) {
    List<ItemResult> results = UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results();
    boolean noneTaken = !results.isEmpty() && results.stream().allMatch(i -> i.status() == ItemStatus.REJECTED);
    assertEquals(noneTaken ? 400 : 200, r.statusCode(), r.body());
    return results;
  }

  @Test
  void aLoneTamperedMeasurementIs400WithTheReason() throws Exception {
    UploadItem original = signed("t1");
    ObjectNode tampered = original.measurement().deepCopy();
    ((ObjectNode) tampered.get("test_keys")).put("x_verdict", "accessible");

    HttpResponse<String> r = post(gzip(batch(new UploadItem(tampered, original.signature()))), true);

    assertEquals(400, r.statusCode(), r.body());
    List<ItemResult> results = UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results();
    assertRejected(results.get(0), "t1", "bad signature");
    assertEquals(0, store.count());
  }

  @Test
  void aLoneSurrogateInPlaceOfWhatWasSignedIsRejectedWithTheReason() throws Exception {
    ObjectNode m = measurement("lone");
    ((ObjectNode) m.get("test_keys")).put("x_title", "News ?");
    // Before RFC 8785's rule was enforced, "\ud83d" and "?" had the same canonical bytes: this verified.
    String body = new String(batch(signed(m)), StandardCharsets.UTF_8).replace("News ?", "News \\ud83d");

    HttpResponse<String> r = post(gzip(body.getBytes(StandardCharsets.UTF_8)), true);

    List<ItemResult> results = UploadProtocol.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)).results();
    assertRejected(results.get(0), "lone", "not well-formed Unicode: a lone surrogate U+D83D");
    assertEquals(0, store.count());
  }

  private static String error(HttpResponse<String> r) {
    return UploadProtocol.errorOf(r.body().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsSignedBatchAndAnswersPerItemInOrder() throws Exception {
    List<ItemResult> results = results(post(gzip(batch(signed("u1"), signed("u2"))), true));

    assertEquals(List.of(ItemResult.accepted("u1"), ItemResult.accepted("u2")), results);
    assertEquals(2, store.count());
    assertEquals(2, server.stats().accepted());
  }

  /**
   * A failure in the middle of storing a batch (SQLite refusing its third item: a trigger on a marked UID) leaves
   * nothing of the batch stored and answers 5xx, so the probe keeps it queued and sends it again; once the cause is
   * gone, the same batch goes through whole.
   */
  @Test
  void aBatchThatFailsMidWayIsNotStoredAtAllAndIsRetried() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TRIGGER fail_marked BEFORE INSERT ON measurements WHEN NEW.uid = 'marked'"
          + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    }
    byte[] body = gzip(batch(signed("m1"), signed("m2"), signed("marked"), signed("m4")));

    HttpResponse<String> failed = post(body, true);

    assertTrue(failed.statusCode() >= 500, failed.statusCode() + " " + failed.body());
    assertEquals(0, store.count(), "half of the batch was stored");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER fail_marked");
    }
    assertEquals(List.of(ItemResult.accepted("m1"), ItemResult.accepted("m2"), ItemResult.accepted("marked"),
        ItemResult.accepted("m4")), results(post(body, true)));
    assertEquals(4, store.count());
  }

  @Test
  void acceptsAnUnencodedBodyToo() throws Exception {
    assertEquals(List.of(ItemResult.accepted("plain")), results(post(batch(signed("plain")), false)));
  }

  @Test
  void sameUidAgainIsDuplicateAndStoredOnce() throws Exception {
    results(post(gzip(batch(signed("u1"))), true));

    List<ItemResult> again = results(post(gzip(batch(signed("u1"), signed("u1"))), true));

    assertEquals(List.of(ItemResult.duplicate("u1"), ItemResult.duplicate("u1")), again);
    assertEquals(1, store.count());
  }

  @Test
  void sameUidWithOtherContentIsAConflictAndTheFirstIsKept() throws Exception {
    results(post(gzip(batch(signed("u1"))), true));
    ObjectNode changed = measurement("u1");
    changed.put("input", "https://other.kz/");

    ItemResult r = results(post(gzip(batch(signed(changed))), true)).get(0);

    assertEquals(ItemStatus.REJECTED, r.status());
    assertTrue(r.reason().contains("uid conflict"), r.reason());
    assertEquals("https://holanews.kz/", column("SELECT input FROM measurements WHERE uid = 'u1'"));
  }

  @Test
  void sameUidFromAnotherProbeIsAConflict() throws Exception {
    results(post(gzip(batch(signed("u1"))), true));
    ProbeKey other = ProbeKey.generate(new SecureRandom());
    ObjectNode m = measurement("u1");

    ItemResult r = results(post(gzip(batch(new UploadItem(m, other.sign(m)))), true)).get(0);

    assertEquals(ItemStatus.REJECTED, r.status());
    assertTrue(r.reason().contains("uid conflict"), r.reason());
  }

  @Test
  void badItemsAreRejectedWithReasonsWhileTheRestIsAccepted() throws Exception {
    UploadItem good = signed("good");
    UploadItem tamperedOriginal = signed("tampered");
    ObjectNode tampered = tamperedOriginal.measurement().deepCopy();
    ((ObjectNode) tampered.get("test_keys")).put("x_verdict", "accessible");
    ObjectNode withIp = measurement("with-ip");
    withIp.put("probe_ip", "10.1.2.3");
    ObjectNode noUid = measurement("x");
    noUid.remove("measurement_uid");
    MeasurementSignature sig = TestUploads.KEY.sign(measurement("wrong-key-id"));
    MeasurementSignature wrongKeyId = new MeasurementSignature(sig.alg(), sig.publicKey(),
        ProbeKey.keyId(new byte[32]), sig.value());

    List<ItemResult> results = results(post(gzip(batch(
        good,
        new UploadItem(tampered, tamperedOriginal.signature()),
        signed(withIp),
        signed(noUid),
        new UploadItem(measurement("wrong-key-id"), wrongKeyId))), true));

    assertEquals(ItemResult.accepted("good"), results.get(0));
    assertRejected(results.get(1), "tampered", "bad signature");
    assertRejected(results.get(2), "with-ip", "probe_ip");
    assertRejected(results.get(3), null, "missing measurement_uid");
    assertRejected(results.get(4), "wrong-key-id", "key_id does not match public_key");
    assertEquals(1, store.count());
  }

  @Test
  void malformedItemsAreRejectedNotFatal() throws Exception {
    String body = "{\"measurements\": [42, {\"measurement\": {\"measurement_uid\": \"m\"}},"
        + " {\"measurement\": {\"measurement_uid\": \"n\"}, \"signature\": {\"alg\": \"RSA\", \"public_key\": \"x\","
        + " \"key_id\": \"k\", \"value\": \"v\"}},"
        + " {\"measurement\": {\"measurement_uid\": \"bad uid!\"}, \"signature\": {}}]}";

    List<ItemResult> results = results(post(gzip(body.getBytes(StandardCharsets.UTF_8)), true));

    assertRejected(results.get(0), null, "malformed item");
    assertRejected(results.get(1), "m", "\"signature\" must be a JSON object");
    assertRejected(results.get(2), "n", "unsupported signature algorithm");
    assertRejected(results.get(3), null, "invalid measurement_uid");
  }

  @Test
  void storedRowIsTheSignedCanonicalMeasurementWithVerdictColumnsAndNoAddress() throws Exception {
    UploadItem item = signed("u1");
    results(post(gzip(batch(item)), true));

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT * FROM measurements")) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnName(i));
      }
      assertEquals(List.of("uid", "key_id", "received_at", "measurement", "signature", "input", "probe_cc",
          "probe_asn", "measurement_start_time", "verdict", "signals", "domain"), columns);
      assertTrue(rs.next());
      assertEquals("u1", rs.getString("uid"));
      assertEquals(TestUploads.KEY.keyId(), rs.getString("key_id"));
      assertEquals(NOW.toString(), rs.getString("received_at"));
      assertEquals(new String(CanonicalJson.encode(item.measurement()), StandardCharsets.UTF_8),
          rs.getString("measurement"));
      assertEquals("blocked", rs.getString("verdict"));
      assertEquals("dns.bogon,http.451", rs.getString("signals"));
      assertEquals("KZ", rs.getString("probe_cc"));
      // The stored text is exactly what was signed: a third party verifies it with the stored signature.
      MeasurementSignature sig = UploadProtocol.mapper().readValue(rs.getString("signature"),
          MeasurementSignature.class);
      assertTrue(ProbeKey.verify(UploadProtocol.mapper().readTree(rs.getString("measurement")), sig));
      for (String col : columns) {
        String v = rs.getString(col);
        assertFalse(v != null && v.contains("127.0.0.1"), col + " holds the uploader's address: " + v);
      }
      assertFalse(rs.next());
    }
  }

  @Test
  void malformedJsonIs400WithReason() throws Exception {
    HttpResponse<String> r = post(gzip("{\"measurements\": [".getBytes(StandardCharsets.UTF_8)), true);
    assertEquals(400, r.statusCode());
    assertTrue(error(r).startsWith("malformed JSON"), r.body());

    HttpResponse<String> dup = post(gzip("{\"measurements\": [], \"measurements\": []}".getBytes()), true);
    assertEquals(400, dup.statusCode());
    assertTrue(error(dup).contains("Duplicate field"), dup.body());
  }

  @Test
  void wrongShapeIs400WithReason() throws Exception {
    assertShape400("[]", "must be a JSON object");
    assertShape400("{\"items\": []}", "unknown member \"items\"");
    assertShape400("{\"measurements\": {}}", "\"measurements\" must be an array");
    assertShape400("", "empty body");
  }

  private void assertShape400(String body, String reason) throws Exception {
    HttpResponse<String> r = post(gzip(body.getBytes(StandardCharsets.UTF_8)), true);
    assertEquals(400, r.statusCode(), body);
    assertTrue(error(r).contains(reason), r.body());
  }

  @Test
  void badGzipIs400() throws Exception {
    HttpResponse<String> r = post("{\"measurements\": []}".getBytes(StandardCharsets.UTF_8), true);
    assertEquals(400, r.statusCode());
    assertTrue(error(r).contains("not valid gzip"), r.body());

    byte[] truncated = gzip(batch(signed("u1")));
    HttpResponse<String> cut = post(java.util.Arrays.copyOf(truncated, truncated.length / 2), true);
    assertEquals(400, cut.statusCode());
    assertTrue(error(cut).contains("not valid gzip"), cut.body());
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    byte[] big = new byte[65 * 1024];
    HttpResponse<String> r = post(big, false);
    assertEquals(413, r.statusCode());
    assertTrue(error(r).contains("limit of 65536"), r.body());
    assertEquals(0, store.count());
  }

  @Test
  void oversizedBodyWithoutContentLengthIs413() throws Exception {
    byte[] big = new byte[65 * 1024];
    HttpRequest req = HttpRequest.newBuilder(server.uploadUri())
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, r.statusCode(), r.body());
  }

  @Test
  void gzipBombIs413() throws Exception {
    byte[] bomb = gzip(new byte[(int) (64 * 1024 * CollectorServer.GUNZIP_FACTOR) + 1]);
    HttpResponse<String> r = post(bomb, true);
    assertEquals(413, r.statusCode(), r.body());
    assertTrue(error(r).contains("gunzipped body"), r.body());
  }

  @Test
  void tooManyItemsIs413() throws Exception {
    UploadItem[] items = new UploadItem[51];
    for (int i = 0; i < items.length; i++) {
      items[i] = signed("u" + i);
    }
    HttpResponse<String> r = post(gzip(batch(items)), true);
    assertEquals(413, r.statusCode());
    assertTrue(error(r).contains("at most 50"), r.body());
  }

  @Test
  void otherPathsAndMethods() throws Exception {
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.uploadUri()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(server.uploadUri().resolve("/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, other.statusCode());
    HttpResponse<String> deflate = http.send(HttpRequest.newBuilder(server.uploadUri())
        .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(415, deflate.statusCode());
  }

  @Test
  void anUploaderThatWaitsForEachAnswerIsNeverRefusedForItsOwnPreviousUpload() throws Exception {
    server.close();
    server = CollectorServer.builder(store).maxInflight(1).start();
    // One uploader, one upload at a time, each sent the moment the previous answer is in: its slot must be free by
    // then (it was taken by the upload just answered), so no 503 and no retry however fast it goes.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      statuses.add(post(gzip(batch(signed("back-to-back-" + i))), true).statusCode());
    }
    assertEquals(List.of(), statuses.stream().filter(s -> s != 200).toList(), "answers other than 200");
    assertEquals(300, server.stats().accepted());
  }

  @Test
  void uploadsOverTheLimitAreRefusedWith503NotQueued() throws Exception {
    server.close();
    // An upload that is being stored holds the one slot until the store is let go. (A slow uploader no longer
    // holds a slot at all: bodies are read before a slot is taken; see CollectorServerHostileTest.)
    GatedStore gated = new GatedStore(store);
    server = CollectorServer.builder(gated).maxInflight(1).start();
    java.util.concurrent.CompletableFuture<HttpResponse<String>> first = http.sendAsync(
        HttpRequest.newBuilder(server.uploadUri()).header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(batch(signed("slow")))))
            .build(), HttpResponse.BodyHandlers.ofString());
    gated.storing.await();
    awaitInFlight(1);

    HttpResponse<String> refused = post(gzip(batch(signed("second"))), true);
    assertEquals(503, refused.statusCode());
    assertTrue(refused.headers().firstValue("Retry-After").isPresent());

    gated.letGo.countDown();
    String status = "HTTP/1.1 " + first.get().statusCode();
    assertEquals("HTTP/1.1 200", status);
    assertEquals(1, store.count());
  }

  /** Waits (not a timed assertion: only a bound on a hung test) until the server works on {@code n} uploads. */
  private void awaitInFlight(int n) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (server.stats().inFlight() < n && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(n, server.stats().inFlight());
  }

  private static void assertRejected(ItemResult r, String uid, String reasonPart) {
    assertEquals(ItemStatus.REJECTED, r.status(), String.valueOf(r));
    assertEquals(uid, r.uid());
    assertTrue(r.reason().contains(reasonPart), r.reason());
  }

  private String column(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("collector.db"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }
}
